// The open and gross amounts of the invoices the list shows, per currency (ext/shared/ListTotals.js).
sap.ui.define(["sap/ui/core/mvc/ControllerExtension", "./shared/ListTotals"], function (ControllerExtension, ListTotals) {
	"use strict";

	return ControllerExtension.extend("invoicecrm.invoices.ext.InvoiceTotals", ListTotals.extension("Invoices", ["openAmount", "grossAmount"], "currency"));
});
