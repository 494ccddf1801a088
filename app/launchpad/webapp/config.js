// Configuration of the sandbox launchpad: the apps (each a tile in the "Receivables" group and a navigation
// target) and the KPI tiles. The sandbox reads window["sap-ushell-config"] when its bootstrap script runs, before
// UI5 is there to translate anything, so the texts come from the launchpad's i18n files read here, synchronously.
(function () {
	"use strict";

	function language() {
		var fromUrl = /[?&]sap-(?:ui-)?language=([^&]+)/i.exec(window.location.search);
		var tag = (fromUrl ? decodeURIComponent(fromUrl[1]) : (navigator.languages && navigator.languages[0]) || navigator.language || "en").toLowerCase();
		if (tag.indexOf("de") === 0) return "de";
		if (tag.indexOf("zh") === 0) return "zh_CN";
		return "en";
	}

	function parseProperties(text) {
		var texts = {};
		text.split(/\r?\n/).forEach(function (line) {
			var match = /^\s*([^#!=:\s][^=:]*?)\s*[=:]\s*(.*)$/.exec(line);
			if (match) {
				texts[match[1]] = match[2].replace(/\\u([0-9a-fA-F]{4})/g, function (_, hex) { return String.fromCharCode(parseInt(hex, 16)); });
			}
		});
		return texts;
	}

	function load(file) {
		var xhr = new XMLHttpRequest();
		xhr.open("GET", "i18n/" + file, false);
		xhr.overrideMimeType("text/plain; charset=utf-8");
		xhr.send();
		return xhr.status === 200 ? parseProperties(xhr.responseText) : {};
	}

	var lang = language();
	var fallback = load("i18n.properties");
	var texts = lang === "en" ? fallback : load("i18n_" + lang + ".properties");
	function t(key) { return texts[key] || fallback[key] || key; }

	function app(component, url, key, icon) {
		return {
			title: t(key + "Title"),
			description: t(key + "Subtitle"),
			icon: icon,
			additionalInformation: "SAPUI5.Component=" + component,
			applicationType: "URL",
			url: url
		};
	}

	// A KPI tile is a small UI5 component of the launchpad (kpi/Component.js): it reads the count from
	// LaunchpadService and keeps it current, which the sandbox's own DynamicTile does not do.
	function kpi(id, kpiName, key, unitKey, target, icon, state) {
		return {
			id: id,
			title: t(key + "Title"),
			size: "1x1",
			namespace: "invoicecrm.launchpad.kpi",
			path: "/launchpad/kpi",
			moduleType: "UIComponent",
			moduleName: "invoicecrm.launchpad.kpi",
			properties: {
				kpi: kpiName,
				title: t(key + "Title"),
				info: t(key + "Info"),
				unit: t(unitKey),
				unavailable: t("kpiUnavailable"),
				icon: icon,
				state: state,
				targetURL: target
			}
		};
	}

	window["sap-ushell-config"] = {
		defaultRenderer: "fiori2",
		renderers: {
			fiori2: {
				componentData: {
					config: { enableSearch: false, enablePersonalization: false, rootIntent: "Shell-home" }
				}
			}
		},
		applications: {
			"Invoice-manage": app("invoicecrm.invoices", "/invoices/", "invoices", "sap-icon://sales-document"),
			"Dispute-manage": app("invoicecrm.disputes", "/disputes/", "disputes", "sap-icon://quality-issue"),
			"Customer-display": app("invoicecrm.customers", "/customers/", "customers", "sap-icon://customer"),
			"IntegrationMonitor-display": app("invoicecrm.monitor", "/monitor/", "monitor", "sap-icon://connected")
		},
		services: {
			LaunchPage: {
				adapter: {
					config: {
						groups: [{
							id: "kpis",
							title: t("groupKpis"),
							isPreset: true,
							isVisible: true,
							tiles: [
								kpi("kpiOverdue", "overdueInvoices", "kpiOverdue", "kpiUnitInvoices", "#Invoice-manage", "sap-icon://alert", "Error"),
								kpi("kpiUnconfirmed", "unconfirmedInvoices", "kpiUnconfirmed", "kpiUnitInvoices", "#Invoice-manage", "sap-icon://pending", "Critical"),
								kpi("kpiDisputes", "disputesPastSla", "kpiDisputes", "kpiUnitDisputes", "#Dispute-manage", "sap-icon://quality-issue", "Error"),
								kpi("kpiWriteBacks", "failedWriteBacks", "kpiWriteBacks", "kpiUnitOperations", "#IntegrationMonitor-display", "sap-icon://error", "Error")
							]
						}]
					}
				}
			}
		}
	};
})();
