// The worklist's second list report, every promise to pay, opens from the header of the first, and from the
// launchpad's tiles of the promises due today and of the broken ones. Its route is the promises' entity set,
// "PaymentPromises": a path Fiori elements resolves. `this` is the page's ExtensionAPI.
sap.ui.define([], function () {
	"use strict";
	return {
		toPromises: function () {
			return this.routing.navigateToRoute("PaymentPromisesList");
		}
	};
});
