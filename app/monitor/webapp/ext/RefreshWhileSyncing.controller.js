// The list of sync states refreshes by itself while a sync of any of its entities is queued or running, so that an
// admin who pressed Run Now sees the run start and finish (status, rows read and written) without pressing Go.
// It asks every few seconds, and only while such a row is shown and the list is on screen.
sap.ui.define(["sap/ui/core/mvc/ControllerExtension"], function (ControllerExtension) {
	"use strict";

	// Longer than a second: UI5's test support (the OPA autowaiter) does not wait for timers that far out.
	var EVERY_MS = 3000;

	return ControllerExtension.extend("invoicecrm.monitor.ext.RefreshWhileSyncing", {
		override: {
			onInit: function () {
				this._schedule();
			},
			onExit: function () {
				clearTimeout(this._timer);
			}
		},

		_schedule: function () {
			this._timer = setTimeout(this._tick.bind(this), EVERY_MS);
		},

		_tick: function () {
			var table = this.base.getView().findAggregatedObjects(true, function (control) {
				return control.isA("sap.ui.mdc.Table");
			})[0];
			var binding = table && table.getRowBinding();
			var shown = table && table.getDomRef() && table.getDomRef().offsetParent !== null;
			var syncing = binding && binding.getCurrentContexts().some(function (context) {
				return context && (context.getProperty("running") || context.getProperty("queued"));
			});
			var refreshed = shown && syncing && !binding.hasPendingChanges() ? this.base.getExtensionAPI().refresh() : Promise.resolve();
			refreshed.finally(this._schedule.bind(this));
		}
	});
});
