// The worklist's other list reports open from the header of the first: every promise to pay (also from the
// launchpad's tiles of the promises due today and of the broken ones), and how well reminders and promises work.
// Their routes are their entity sets: paths Fiori elements resolves. `this` is the page's ExtensionAPI.
sap.ui.define([], function () {
	"use strict";
	return {
		toPromises: function () {
			return this.routing.navigateToRoute("PaymentPromisesList");
		},
		toEffectiveness: function () {
			return this.routing.navigateToRoute("ReminderEffectivenessList");
		}
	};
});
