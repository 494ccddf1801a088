sap.ui.define(["sap/fe/core/AppComponent"], function (AppComponent) {
	"use strict";
	return AppComponent.extend("invoicecrm.disputes.Component", { metadata: { manifest: "json" } });
});
