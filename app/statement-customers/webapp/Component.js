sap.ui.define(["sap/fe/core/AppComponent"], function (AppComponent) {
	"use strict";
	return AppComponent.extend("invoicecrm.statementcustomers.Component", { metadata: { manifest: "json" } });
});
