// Who may do what in ReceivablesService (srv/receivables/service.cds and apps.cds).
using { ReceivablesService } from './service';
using from './apps';

// Everyone in AR reads everything here; integration admins read the mirror to check the sync, and nothing of the
// conversation with the customer: its comments, proposals, answers, actors, IP addresses and mail recipients are
// personal data the sync does not need (the write-back they check is in IntegrationService). The service's roles
// are a @requires: a @restrict on a service grants no single event (CAP reads only its roles); its entities are
// @readonly or restricted below.
annotate ReceivablesService with @requires: [ 'ARClerk', 'ARManager', 'IntegrationAdmin' ];
annotate ReceivablesService.Conversations     with @restrict: [{ grant: 'READ', to: [ 'ARClerk', 'ARManager' ] }];
annotate ReceivablesService.DisputeLines      with @restrict: [{ grant: 'READ', to: [ 'ARClerk', 'ARManager' ] }];
annotate ReceivablesService.DisputeComments   with @restrict: [{ grant: 'READ', to: [ 'ARClerk', 'ARManager' ] }];
annotate ReceivablesService.ContactProposals  with @restrict: [{ grant: 'READ', to: [ 'ARClerk', 'ARManager' ] }];
annotate ReceivablesService.SurveyInvitations with @restrict: [{ grant: 'READ', to: [ 'ARClerk', 'ARManager' ] }];
annotate ReceivablesService.SurveyAnswers     with @restrict: [{ grant: 'READ', to: [ 'ARClerk', 'ARManager' ] }];
annotate ReceivablesService.FollowUpTasks     with @restrict: [{ grant: 'READ', to: [ 'ARClerk', 'ARManager' ] }];
annotate ReceivablesService.Timeline          with @restrict: [{ grant: 'READ', to: [ 'ARClerk', 'ARManager' ] }];
annotate ReceivablesService.Processors        with @restrict: [{ grant: 'READ', to: [ 'ARClerk', 'ARManager' ] }];
annotate ReceivablesService.Countries         with @restrict: [{ grant: 'READ', to: [ 'ARClerk', 'ARManager' ] }];

annotate ReceivablesService.WriteBackOperations with @restrict: [{ grant: 'READ', to: [ 'ARClerk', 'ARManager' ] }];
annotate ReceivablesService.CustomerContacts    with @restrict: [{ grant: [ 'READ', 'CREATE', 'UPDATE', 'DELETE' ], to: [ 'ARClerk', 'ARManager' ] }];

// Clerks and managers edit the processing data of a dispute in draft (UPDATE grants draftEdit and the activation;
// srv/receivables/service.ts refuses changing the active dispute directly); everything else moves by actions only.
annotate ReceivablesService.Disputes with @restrict: [{ grant: [ 'READ', 'UPDATE' ], to: [ 'ARClerk', 'ARManager' ] }];
