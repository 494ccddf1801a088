// Who may do what in CollectionsService: everyone in AR reads; AR managers keep the policies, assign customers,
// start runs and decide on proposals; clerks and managers record what customers commit to.
using { CollectionsService } from './service';

annotate CollectionsService with @requires: [ 'ARClerk', 'ARManager' ];

annotate CollectionsService.ReminderPolicies with @restrict: [
  { grant: 'READ', to: [ 'ARClerk', 'ARManager' ] },
  { grant: [ 'CREATE', 'UPDATE', 'DELETE' ], to: 'ARManager' },
];
annotate CollectionsService.ReminderSteps with @restrict: [
  { grant: 'READ', to: [ 'ARClerk', 'ARManager' ] },
  { grant: [ 'CREATE', 'UPDATE', 'DELETE' ], to: 'ARManager' },
];
annotate CollectionsService.CustomerCollections with @restrict: [
  { grant: 'READ', to: [ 'ARClerk', 'ARManager' ] },
];
annotate CollectionsService.Reminders with @restrict: [
  { grant: 'READ', to: [ 'ARClerk', 'ARManager' ] },
  { grant: [ 'approve', 'remove' ], to: 'ARManager' },
];
annotate CollectionsService.ReminderRuns with @restrict: [
  { grant: 'READ', to: [ 'ARClerk', 'ARManager' ] },
  { grant: 'sendDue', to: 'ARManager' },
];
annotate CollectionsService.Worklist with @restrict: [
  { grant: [ 'READ', 'assign', 'recordContact' ], to: [ 'ARClerk', 'ARManager' ] },
  { grant: 'setCollectionTerms', to: 'ARManager' },
];
annotate CollectionsService.DunningBlockProposals with @restrict: [
  { grant: 'READ', to: [ 'ARClerk', 'ARManager' ] },
  { grant: [ 'approveBlock', 'rejectBlock', 'liftBlock' ], to: 'ARManager' },
];
annotate CollectionsService.runReminders with @requires: 'ARManager';
annotate CollectionsService.refreshWorklist with @requires: [ 'ARClerk', 'ARManager' ];
annotate CollectionsService.sendDueReminders with @requires: 'ARManager';
annotate CollectionsService.recordPromise with @requires: [ 'ARClerk', 'ARManager' ];
annotate CollectionsService.recordPaymentReport with @requires: [ 'ARClerk', 'ARManager' ];
