// The disputed amounts of the disputes the list shows, per currency (ext/shared/ListTotals.js).
sap.ui.define(["sap/ui/core/mvc/ControllerExtension", "./shared/ListTotals"], function (ControllerExtension, ListTotals) {
	"use strict";

	return ControllerExtension.extend("invoicecrm.disputes.ext.DisputeTotals", ListTotals.extension("Disputes", ["disputedAmount"], "currency"));
});
