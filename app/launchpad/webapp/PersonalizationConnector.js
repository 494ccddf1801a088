// The launchpad's UI5 flexibility connector: what a user personalizes in the apps (saved views, table settings) is
// kept on the server per user (LaunchpadService's flexObjects, db/personalization.cds), so that it is there in a new
// tab, after the browser is closed, or on another machine. UI5's ObjectStorageConnector does the flexibility side;
// this gives it a storage that reads and writes through the service (UI5 awaits the storage's promises). On SAP
// BTP, Work Zone's own connector keeps personalization; this launchpad is the local one (index.html).
sap.ui.define([
	"sap/base/util/merge",
	"sap/ui/fl/write/api/connectors/ObjectStorageConnector"
], function (merge, ObjectStorageConnector) {
	"use strict";

	var SERVICE = "/odata/v4/launchpad/";

	function request(path, body) {
		return fetch(SERVICE + path, {
			method: body ? "POST" : "GET",
			headers: body ? { Accept: "application/json", "Content-Type": "application/json" } : { Accept: "application/json" },
			credentials: "same-origin",
			body: body && JSON.stringify(body)
		}).then(function (response) {
			if (!response.ok) {
				return response.json().catch(function () { return {}; }).then(function (answer) {
					throw new Error((answer.error && answer.error.message) || response.statusText);
				});
			}
			return response.status === 204 ? undefined : response.json();
		});
	}

	var storage = {
		// The objects by key, each as the JSON text UI5 wrote.
		getItems: function () {
			return request("flexObjects()").then(function (answer) {
				var items = {};
				answer.value.forEach(function (object) { items[object.id] = object.content; });
				return items;
			});
		},
		setItem: function (key, value) {
			return request("saveFlexObject", { id: key, content: value });
		},
		removeItem: function (key) {
			return request("removeFlexObject", { id: key });
		}
	};

	var PersonalizationConnector = merge({}, ObjectStorageConnector, { storage: storage });

	// Personal views only: no key user adaptation and no public views to share.
	PersonalizationConnector.loadFeatures = function () {
		return ObjectStorageConnector.loadFeatures.apply(this, arguments).then(function (features) {
			return merge(features, {
				isKeyUser: false,
				isVariantSharingEnabled: false,
				isPublicLayerAvailable: false,
				isProductiveSystem: true
			});
		});
	};

	return PersonalizationConnector;
});
