// A bucket of the aging opens Manage Invoices at the customer's invoices in that bucket and currency. Fiori elements
// hands the target every property of the page and the row: the customer's own ID among them, which Manage Invoices
// would take for an invoice's key (and open that invoice), and its amounts and names, which are no filter there.
// So the drill-down carries exactly what selects the bucket's invoices: the bucket row's customer, bucket and currency,
// by their names here (the annotation's mapping renames them to payer_ID and agingBucket after this hook).
sap.ui.define(["sap/ui/core/mvc/ControllerExtension"], function (ControllerExtension) {
	"use strict";

	var DRILL_DOWN = ["customer", "bucket", "currency"];

	return ControllerExtension.extend("invoicecrm.customers.ext.AgingDrillDown", {
		override: {
			intentBasedNavigation: {
				adaptNavigationContext: function (selectionVariant, target) {
					var names = selectionVariant.getSelectOptionsPropertyNames().concat(selectionVariant.getParameterNames());
					if (target.semanticObject !== "Invoice" || names.indexOf("bucket") < 0) return;
					names.forEach(function (name) {
						if (DRILL_DOWN.indexOf(name) >= 0) return;
						selectionVariant.removeSelectOption(name);
						selectionVariant.removeParameter(name);
					});
				}
			}
		}
	});
});
