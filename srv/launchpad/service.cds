using { invoicecrm.mirror as mirror } from '../../db/mirror';

/** What the launchpad's KPI tiles show: counts of work waiting for finance (and for the reader), as of now. */
@path: '/odata/v4/launchpad'
service LaunchpadService {

  type Kpis {
    /** Invoices with an open receivable past its net due date. */
    overdueInvoices     : Integer;
    /** Invoices sent to the customer more than 7 days ago, neither confirmed nor cleared. */
    unconfirmedInvoices : Integer;
    /** Disputes still open or in process after their SLA due date. */
    disputesPastSla     : Integer;
    /** Write-back operations parked as failed, waiting for an integration admin. */
    failedWriteBacks    : Integer;
    /** Open promises to pay whose promised date is today. */
    promisesDueToday    : Integer;
    /** Promises the customer did not keep, on invoices still open. */
    brokenPromises      : Integer;
    /** The customers on the collectors' worklist given to the reader. */
    myWorklist          : Integer;
    /**
     * Of the monthly statements sent 10 to 40 days ago (each one's 10 days are over, and a month's statements are
     * sent within a few days), the share in percent the customer confirmed within 10 days of sending; none sent
     * then: null.
     */
    statementsConfirmedIn10Days : Integer;
  }

  function kpis() returns Kpis;

  /** One KPI as a dynamic launchpad tile reads it (Work Zone's dynamic app launcher: number and its state). */
  type Tile {
    number      : Integer;
    numberState : String(10);
    /** '%' for a share. */
    numberUnit  : String(5);
  }

  /** Who is signed in: the shell shows the name; the local launchpad shows the tiles of the finance roles' apps. */
  type Me {
    id    : String(255);
    /** Given and family name from the identity provider's token, else the user id. */
    name  : String(255);
    roles : many String(20);
  }
  function me() returns Me;

  /** kpi: an element of Kpis, e.g. overdueInvoices. */
  function tile(kpi : String(30) @mandatory) returns Tile;

  /**
   * The signed-in user's personalization of the apps (saved views, table settings) as the launchpad's flexibility
   * connector (app/launchpad/webapp/PersonalizationConnector.js) stores it: the user's own objects only.
   */
  type FlexObject {
    id      : String(255);
    content : LargeString;
  }
  function flexObjects() returns many FlexObject;
  action saveFlexObject(id : String(255) @mandatory, content : LargeString @mandatory);
  action removeFlexObject(id : String(255) @mandatory);
}
