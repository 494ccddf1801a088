// Totals per currency of the rows a list report shows, for its filters and search as applied, in a strip above the
// table (the list report's public setCustomMessage). Asked for with the table's Totals button; from then on they follow
// every Go until the strip is closed. Not shown by themselves: a total reads every row the filter selects (at 100k
// invoices 0.04–0.14 s alone, more under load; README), where the list reads one page by an index, and it grows with
// the mirror.
// Fiori elements V4 has a totals row only in an analytical table, which reads each page of rows as a groupby over all
// rows of the filter; here it is one aggregate request beside the list's:
//   GET <entity set>?$apply=filter(<the list's filter>)/groupby((currency),aggregate(amount with sum as amount,...))
// Each app carries a copy of this module at ext/shared/ (srv/ui5-framework.ts) and names, in a module of its own, the
// entity set, the amounts and their currency; its manifest puts the button in the table's toolbar.
sap.ui.define(["sap/ui/core/format/NumberFormat", "sap/ui/core/library", "sap/ui/model/Sorter"], function (NumberFormat, coreLibrary, Sorter) {
	"use strict";

	/** Draft's editing-status filter (Disputes): totals count each dispute once, by its active version. */
	var DRAFT_PROPERTIES = /^(IsActiveEntity|HasActiveEntity|HasDraftEntity|SiblingEntity|DraftAdministrativeData)(\/|$)/;
	/** Room for every currency a list can hold: there are fewer ISO 4217 codes. */
	var ALL_CURRENCIES = 300;

	/** The filter without its draft conditions; undefined where nothing else is left. */
	function withoutDraftConditions(filter) {
		if (!filter) return undefined;
		var nested = filter.getFilters && filter.getFilters();
		if (!nested) return DRAFT_PROPERTIES.test(filter.getPath() || "") ? undefined : filter;
		var kept = nested.map(withoutDraftConditions).filter(Boolean);
		if (!kept.length) return undefined;
		if (kept.length === nested.length) return filter;
		return kept.length === 1 ? kept[0] : new filter.constructor({ filters: kept, and: filter.isAnd() });
	}

	/**
	 * The press handler of the Totals button of a list report of `entitySet`, which totals `amounts` (property
	 * names) per `currency` (the property they are measured in). Called with `this` the list report's extension API.
	 */
	function showTotals(entitySet, amounts, currency) {
		/** Per list report page: whether its totals are on, and the newest request (a slower earlier answer is dropped). */
		var pages = new WeakMap();

		function text(api, rows) {
			var bundle = api.getModel("i18n").getResourceBundle();
			var metaModel = api.getModel().getMetaModel();
			var number = NumberFormat.getCurrencyInstance({ showMeasure: false });
			var perAmount = amounts
				.map(function (amount) {
					var sums = rows
						.filter(function (row) {
							return row[amount] !== null && row[amount] !== undefined;
						})
						.map(function (row) {
							return number.format(Number(row[amount]), row[currency]) + "\u00a0" + (row[currency] || "");
						});
					var label = metaModel.getObject("/" + entitySet + "/" + amount + "@com.sap.vocabularies.Common.v1.Label");
					return sums.length ? bundle.getText("ListTotalsAmount", [label, sums.join(" · ")]) : undefined;
				})
				.filter(Boolean);
			return bundle.getText(perAmount.length ? "ListTotals" : "ListTotalsNone", [perAmount.join("; ")]);
		}

		function refresh(api) {
			var page = pages.get(api);
			if (!page.on) return;
			var applied = api.getFilters() || {};
			var filter = withoutDraftConditions((applied.filters || [])[0]);
			var aggregate = {};
			amounts.forEach(function (amount) {
				aggregate[amount] = { with: "sum" };
			});
			var group = {};
			group[currency] = {};
			var binding = api.getModel().bindList("/" + entitySet, undefined, [new Sorter(currency)], filter ? [filter] : [], {
				$$aggregation: { group: group, aggregate: aggregate, search: applied.search || undefined }
			});
			var request = ++page.request;
			binding
				.requestContexts(0, ALL_CURRENCIES)
				.then(function (contexts) {
					if (request !== page.request || !page.on) return;
					var rows = contexts.map(function (context) {
						return context.getObject();
					});
					api.setCustomMessage({ message: text(api, rows), type: coreLibrary.MessageType.Information }, null, function () {
						page.on = false;
					});
				})
				.catch(function () {
					// The model reports the failed request itself; what is left is not to show totals of another filter.
					if (request === page.request) api.setCustomMessage(undefined);
				})
				.finally(function () {
					binding.destroy();
				});
		}

		return function () {
			var api = this;
			if (!pages.has(api)) {
				pages.set(api, { on: false, request: 0 });
				// The filter bar building block (its stable API, not the internal control under it) says when the user searches.
				api.byId("fe::FilterBar::" + entitySet + "::FilterBar").attachEvent("search", function () {
					refresh(api);
				});
			}
			pages.get(api).on = true;
			refresh(api);
		};
	}

	return { showTotals: showTotals };
});
