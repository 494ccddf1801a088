sap.ui.define([], function () {
	"use strict";
	sap.ushell.Container.createRenderer(undefined, true).then(function (renderer) {
		renderer.placeAt("content");
	});
});
