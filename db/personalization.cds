// What each finance user sets up for themselves in the apps: UI5 flexibility objects (saved views of a list report,
// a table's columns and sort), kept per user on the server so that they are there in a new tab, a new browser
// session or on another machine. Written and read only through LaunchpadService (srv/launchpad/personalization.ts),
// always for the signed-in user. On SAP BTP, Work Zone keeps them through its own personalization instead.
namespace invoicecrm.personalization;

entity FlexObjects {
  key user       : String(255);
  /** The object's key in UI5's object storage (sap.ui.fl.<file name>). */
  key id         : String(255);
  /** The flexibility object as UI5 writes it (JSON). */
      content    : LargeString;
      modifiedAt : Timestamp @cds.on.insert: $now @cds.on.update: $now;
}
