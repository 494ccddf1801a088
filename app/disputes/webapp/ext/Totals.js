// The Totals button of the dispute list: disputed amounts per currency (ext/shared/ListTotals.js).
sap.ui.define(["./shared/ListTotals"], function (ListTotals) {
	"use strict";

	return { show: ListTotals.showTotals("Disputes", ["disputedAmount"], "currency") };
});
