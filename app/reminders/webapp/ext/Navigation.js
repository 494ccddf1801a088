// The app's second list report, the reminder runs with the proposals to review, opens from the header of the first,
// the policies. Its route is the runs' entity set, "ReminderRuns": a path Fiori elements resolves, and the parent of
// a run's page, so that Back returns to it. `this` is the page's ExtensionAPI.
sap.ui.define([], function () {
	"use strict";
	return {
		toRuns: function () {
			return this.routing.navigateToRoute("ReminderRunsList");
		}
	};
});
