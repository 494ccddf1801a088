// A KPI tile of the sandbox launchpad: a GenericTile with the live count of one KPI of LaunchpadService, which opens
// its app filtered to what it counts. The launchpad's adapter creates it with componentData.properties from config.js.
sap.ui.define([
	"sap/ui/core/UIComponent",
	"sap/m/GenericTile",
	"sap/m/TileContent",
	"sap/m/NumericContent",
	"sap/ui/core/CustomData",
	"./kpis"
], function (UIComponent, GenericTile, TileContent, NumericContent, CustomData, kpis) {
	"use strict";

	var DAY_MS = 24 * 60 * 60 * 1000;

	/**
	 * A select option's value: "-Nd" is the time N days ago (as the KPI counts, now), "today" the day today as the
	 * service counts days (UTC), anything else as it is.
	 */
	function value(low) {
		if (low === "today") return new Date().toISOString().slice(0, 10);
		var daysAgo = /^-(\d+)d$/.exec(low);
		return daysAgo ? new Date(Date.now() - Number(daysAgo[1]) * DAY_MS).toISOString() : low;
	}

	/**
	 * Where the tile leads: the app's intent, its filter as a cross-app state (the shell turns the sap-xapp-state-data
	 * parameter into a state of its own), and the page of the app. Select options, not URL parameters: those say only
	 * "equals", and "overdue" is days overdue greater than 0.
	 */
	function shellHash(intent, filter, route) {
		return intent + (filter ? "?sap-xapp-state-data=" + encodeURIComponent(appState(filter)) : "") + (route ? "&/" + route : "");
	}

	/** The filter in the data-suite format Fiori elements read: a selection variant (BT with its high value). */
	function appState(filter) {
		var selectOptions = {};
		filter.forEach(function (option) {
			(selectOptions[option.property] = selectOptions[option.property] || []).push(
				{ Sign: option.sign || "I", Option: option.option, Low: value(option.low), High: option.high ? value(option.high) : null });
		});
		var selectionVariant = {
			SelectionVariantID: "",
			Text: "",
			Parameters: [],
			SelectOptions: Object.keys(selectOptions).map(function (property) { return { PropertyName: property, Ranges: selectOptions[property] }; })
		};
		return JSON.stringify({ selectionVariant: JSON.stringify(selectionVariant) });
	}

	return UIComponent.extend("invoicecrm.launchpad.kpi.Component", {
		metadata: { manifest: "json", interfaces: ["sap.ui.core.IAsyncContentCreation"] },

		createContent: function () {
			var p = this.getComponentData().properties;
			this.setModel(kpis.model(), "kpis");
			// A share (a KPI with a unit) has no number while there is nothing to share out (null): "–", as a tile
			// whose count is not there, but marked as shown (data-kpi-shown) once the counts are in.
			var valueBinding = {
				parts: ["kpis>/" + p.kpi, "kpis>/failed"],
				formatter: function (count, failed) { return failed || count === undefined || count === null ? "–" : String(count); }
			};
			return new GenericTile({
				header: p.title,
				// Pressed, not followed as a link: the launchpad's tile container does not let a tile's href through.
				press: function () {
					sap.ushell.Container.getServiceAsync("Navigation").then(function (navigation) {
						return navigation.navigate({ target: { shellHash: shellHash(p.intent, p.filter, p.route) } });
					});
				},
				tooltip: {
					path: "kpis>/failed",
					formatter: function (failed) { return failed ? p.unavailable : p.title; }
				},
				tileContent: new TileContent({
					footer: p.info,
					content: new NumericContent({
						value: valueBinding,
						valueColor: {
							parts: ["kpis>/" + p.kpi],
							formatter: function (count) { return count ? p.state : "Neutral"; }
						},
						// A share's unit beside its number ("67%"), none beside no number.
						scale: {
							path: "kpis>/" + p.kpi,
							formatter: function (count) { return count === undefined || count === null ? "" : p.unit || ""; }
						},
						icon: p.icon,
						withMargin: false,
						width: "100%"
					})
				})
			}).addStyleClass("invoicecrmKpiTile").data("kpi", p.kpi, true).addCustomData(new CustomData({
				key: "kpi-shown",
				value: {
					parts: ["kpis>/" + p.kpi, "kpis>/failed"],
					formatter: function (count, failed) { return String(!failed && count !== undefined); }
				},
				writeToDom: true
			}));
		}
	});
});
