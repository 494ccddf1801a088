// The S/4HANA OData V2 APIs the app talks to, at their standard paths: one destination (destination.ts) serves all.

export const apiRoot = (api: string) => `/sap/opu/odata/sap/${api}`

export const BILLING_DOCUMENT_API = apiRoot('API_BILLING_DOCUMENT_SRV')
export const SALES_ORDER_API = apiRoot('API_SALES_ORDER_SRV')
export const BUSINESS_PARTNER_API = apiRoot('API_BUSINESS_PARTNER')
export const ATTACHMENT_API = apiRoot('API_CV_ATTACHMENT_SRV')

/** An OData V2 string literal for keys and function parameters, ready for the URL. */
export const literal = (value: string) => `'${encodeURIComponent(value.replace(/'/g, "''"))}'`
