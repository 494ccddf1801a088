// The Totals button of the invoice list: open and gross amounts per currency (ext/shared/ListTotals.js).
sap.ui.define(["./shared/ListTotals"], function (ListTotals) {
	"use strict";

	return { show: ListTotals.showTotals("Invoices", ["openAmount", "grossAmount"], "currency") };
});
