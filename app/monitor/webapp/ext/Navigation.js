// The monitor's second list report, the write-back operations, opens from the header of the first, the sync states.
// Its route is "WriteBackQueue", a valid path for the page but not the operations' entity set: so Fiori elements sees
// it as the parent of an operation's page (routing hints), keeps it in the history below that page, and Back returns
// to it. `this` is the page's ExtensionAPI.
sap.ui.define([], function () {
	"use strict";
	return {
		toWriteBack: function () {
			return this.routing.navigateToRoute("WriteBackOperationsList");
		}
	};
});
