// The counts behind the KPI tiles, one model for all of them: read from LaunchpadService when the launchpad
// starts, every minute while it is open, and whenever the user comes back to the home page from an app.
sap.ui.define(["sap/ui/model/json/JSONModel"], function (JSONModel) {
	"use strict";

	var REFRESH_MS = 60000;
	var model;

	/** The first time, the request config.js sent when the page started; then a new one. */
	function request() {
		var started = window["invoicecrm.launchpad.kpis"];
		delete window["invoicecrm.launchpad.kpis"];
		return started || window["invoicecrm.launchpad.requestKpis"]();
	}

	function refresh() {
		return request()
			.then(function (response) {
				if (!response.ok) throw new Error("LaunchpadService answered " + response.status);
				return response.json();
			})
			.then(function (counts) {
				// Every count the service gives (a tile binds to its own by name), without OData's annotations.
				var data = { loadedAt: new Date().toISOString(), failed: false };
				Object.keys(counts).forEach(function (kpi) {
					if (kpi.charAt(0) !== "@") data[kpi] = counts[kpi];
				});
				model.setData(data);
			})
			.catch(function () {
				model.setProperty("/failed", true);
			});
	}

	function onHome() {
		var hash = window.location.hash;
		return !hash || hash === "#" || hash.indexOf("#Shell-home") === 0;
	}

	return {
		model: function () {
			if (!model) {
				model = new JSONModel({});
				refresh();
				setInterval(refresh, REFRESH_MS);
				window.addEventListener("hashchange", function () {
					if (onHome()) refresh();
				});
			}
			return model;
		},
		refresh: function () {
			return model ? refresh() : Promise.resolve();
		}
	};
});
