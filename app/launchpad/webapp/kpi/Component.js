// A KPI tile of the sandbox launchpad: a GenericTile with the live count of one KPI of LaunchpadService.
// The launchpad's adapter creates it with componentData.properties from config.js.
sap.ui.define([
	"sap/ui/core/UIComponent",
	"sap/m/GenericTile",
	"sap/m/TileContent",
	"sap/m/NumericContent",
	"./kpis"
], function (UIComponent, GenericTile, TileContent, NumericContent, kpis) {
	"use strict";

	return UIComponent.extend("invoicecrm.launchpad.kpi.Component", {
		metadata: { manifest: "json", interfaces: ["sap.ui.core.IAsyncContentCreation"] },

		createContent: function () {
			var p = this.getComponentData().properties;
			this.setModel(kpis.model(), "kpis");
			var valueBinding = {
				parts: ["kpis>/" + p.kpi, "kpis>/failed"],
				formatter: function (count, failed) { return failed || count === undefined ? "–" : String(count); }
			};
			return new GenericTile({
				header: p.title,
				url: p.targetURL,
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
						icon: p.icon,
						withMargin: false,
						width: "100%"
					})
				})
			}).addStyleClass("invoicecrmKpiTile").data("kpi", p.kpi, true);
		}
	});
});
