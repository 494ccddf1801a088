sap.ui.define([], function () {
	"use strict";
	sap.ushell.Container.createRenderer(undefined, true).then(function (renderer) {
		renderer.placeAt("content");
	});
	// The KPI tiles' component loads beside the renderer instead of after it: once its module is there, the home
	// page's tiles do not wait for it, nor for the Component-preload.js the launchpad would first ask for (404 here).
	sap.ui.require(["invoicecrm/launchpad/kpi/Component"]);
});
