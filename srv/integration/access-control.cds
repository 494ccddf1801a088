// Who may do what in IntegrationService (srv/integration/service.cds and monitor.cds): integration administrators
// alone, all of it. What they see of the conversation is only its write-back; the conversation itself, with the
// customers' personal data, is ReceivablesService's (srv/receivables/access-control.cds).
using { IntegrationService } from './service';

annotate IntegrationService with @requires: 'IntegrationAdmin';
