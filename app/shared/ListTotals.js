// Totals per currency of the rows a list report shows, for its filters and search as the user last applied them
// (Go, or the list's first load), in a strip above the table: the list report's public setCustomMessage.
// Fiori elements V4 has a totals row only in an analytical table, which reads each page of rows as a groupby over all
// rows of the filter; here it is one small request beside the list's:
//   GET <entity set>?$apply=filter(<the list's filter>)/groupby((currency),aggregate(amount with sum as amount,...))
// Each app carries a copy of this module at ext/shared/ (srv/ui5-framework.ts); its controller extension names the
// entity set, the amounts and their currency.
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
	 * The controller extension's definition for a list report of `entitySet` that totals `amounts` (property names)
	 * per `currency` (the property they are measured in).
	 */
	function extension(entitySet, amounts, currency) {
		return {
			override: {
				onInit: function () {
					var filterBar = this.base.getView().byId("fe::FilterBar::" + entitySet);
					this._totalsRequested = 0;
					if (filterBar) filterBar.attachEvent("search", this._showTotals, this);
				}
			},

			_showTotals: function () {
				var api = this.base.getExtensionAPI();
				var view = this.base.getView();
				var model = view.getModel();
				var applied = api.getFilters() || {};
				var filter = withoutDraftConditions((applied.filters || [])[0]);
				var aggregate = {};
				amounts.forEach(function (amount) {
					aggregate[amount] = { with: "sum" };
				});
				var group = {};
				group[currency] = {};
				var binding = model.bindList("/" + entitySet, undefined, [new Sorter(currency)], filter ? [filter] : [], {
					$$aggregation: { group: group, aggregate: aggregate, search: applied.search || undefined }
				});
				// Only the newest request's answer is shown: a slower earlier one may come back after it.
				var request = ++this._totalsRequested;
				var that = this;
				binding
					.requestContexts(0, ALL_CURRENCIES)
					.then(function (contexts) {
						if (request !== that._totalsRequested) return;
						var text = that._totalsText(
							contexts.map(function (context) {
								return context.getObject();
							})
						);
						api.setCustomMessage(text ? { message: text, type: coreLibrary.MessageType.Information } : undefined);
					})
					.catch(function () {
						// The model reports the failed request itself; what is left is not to show totals of another filter.
						if (request === that._totalsRequested) api.setCustomMessage(undefined);
					})
					.finally(function () {
						binding.destroy();
					});
			},

			/**
			 * "List totals — Open Amount: 1,200.00 EUR · 300.00 USD; Gross Amount: ..." in the user's language and notation;
			 * undefined where no row has an amount.
			 */
			_totalsText: function (rows) {
				var view = this.base.getView();
				var metaModel = view.getModel().getMetaModel();
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
						return sums.length ? label + ": " + sums.join(" · ") : undefined;
					})
					.filter(Boolean);
				return perAmount.length ? view.getModel("i18n").getResourceBundle().getText("ListTotals", [perAmount.join("; ")]) : undefined;
			}
		};
	}

	return { extension: extension };
});
