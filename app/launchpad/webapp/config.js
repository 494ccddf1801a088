// Configuration of the sandbox launchpad from tiles.json: the apps (each a tile on the home page and a navigation
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

	function get(path) {
		var xhr = new XMLHttpRequest();
		xhr.open("GET", path, false);
		xhr.overrideMimeType("text/plain; charset=utf-8");
		xhr.send();
		return xhr.status === 200 ? xhr.responseText : null;
	}
	function load(file) {
		var text = get("i18n/" + file);
		return text === null ? {} : parseProperties(text);
	}

	var lang = language();
	var fallback = load("i18n.properties");
	var texts = lang === "en" ? fallback : load("i18n_" + lang + ".properties");
	function t(key) { return texts[key] || fallback[key] || key; }
	var tiles = JSON.parse(get("tiles.json"));

	function app(tile) {
		return {
			title: t(tile.text + "Title"),
			description: t(tile.text + "Subtitle"),
			icon: tile.icon,
			additionalInformation: "SAPUI5.Component=" + tile.component,
			applicationType: "URL",
			url: "/" + tile.folder + "/"
		};
	}

	// A KPI tile is a small UI5 component of the launchpad (kpi/Component.js): it reads the count from
	// LaunchpadService and keeps it current, which the sandbox's own DynamicTile does not do.
	function kpi(tile) {
		return {
			id: tile.id,
			title: t(tile.text + "Title"),
			size: "1x1",
			namespace: "invoicecrm.launchpad.kpi",
			path: "/launchpad/kpi",
			moduleType: "UIComponent",
			moduleName: "invoicecrm.launchpad.kpi",
			properties: {
				kpi: tile.kpi,
				title: t(tile.text + "Title"),
				info: t(tile.text + "Info"),
				unavailable: t("kpiUnavailable"),
				icon: tile.icon,
				state: tile.state,
				intent: tile.intent,
				filter: tile.filter,
				route: tile.route,
				unit: tile.unit
			}
		};
	}

	// Each user sees the apps of their roles (as Work Zone's roles do, tiles.json), and the KPI tiles of those apps;
	// the shell shows who is signed in.
	var me = JSON.parse(get("/odata/v4/launchpad/me()") || '{"roles":[]}');
	var roles = me.roles || [];
	var mine = tiles.apps.filter(function (tile) {
		return tile.roles.some(function (role) { return roles.indexOf(role) >= 0; });
	});
	var intents = mine.map(function (tile) { return tile.intent; });
	var kpiTiles = tiles.kpis.filter(function (tile) { return intents.indexOf(tile.intent) >= 0; });
	// The one request for the KPI tiles' counts, which kpi/kpis.js refreshes them with. The first is sent now, while
	// the framework loads, rather than once the tiles' component has loaded: the last round trip before the launchpad
	// is usable then overlaps with the framework's start (kpi/kpis.js takes this first answer).
	window["invoicecrm.launchpad.requestKpis"] = function () {
		return fetch("/odata/v4/launchpad/kpis()", { headers: { Accept: "application/json" }, credentials: "same-origin" });
	};
	if (kpiTiles.length) window["invoicecrm.launchpad.kpis"] = window["invoicecrm.launchpad.requestKpis"]();
	var applications = {};
	mine.forEach(function (tile) { applications[tile.intent] = app(tile); });

	window["sap-ushell-config"] = {
		defaultRenderer: "fiori2",
		renderers: {
			fiori2: {
				componentData: {
					config: { enableSearch: false, enablePersonalization: false, rootIntent: "Shell-home" }
				}
			}
		},
		applications: applications,
		services: {
			// Intents resolved in the browser from the same applications, as the launchpad on BTP resolves them: Fiori
			// elements asks which semantic objects exist (getDistinctSemanticObjects) to offer links to them, and the
			// sandbox's default resolution cannot answer that.
			NavTargetResolutionInternal: { config: { enableClientSideTargetResolution: true } },
			ClientSideTargetResolution: { adapter: { config: { applications: applications } } },
			Container: {
				adapter: {
					config: {
						id: me.id,
						fullName: me.name,
						firstName: me.name && me.name.split(" ")[0],
						lastName: me.name && me.name.split(" ").slice(1).join(" ")
					}
				}
			},
			LaunchPage: {
				adapter: {
					config: {
						groups: [{
							id: "kpis",
							title: t("groupKpis"),
							isPreset: true,
							isVisible: true,
							tiles: kpiTiles.map(kpi)
						}]
					}
				}
			}
		}
	};
})();
