sap.ui.define(["sap/fe/core/AppComponent"], function (AppComponent) {
	"use strict";
	return AppComponent.extend("invoicecrm.statements.Component", { metadata: { manifest: "json" } });
});
