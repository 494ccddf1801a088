// Who may do what in StatementsService: everyone in AR reads, reviews, approves and sends statements (each step is
// recorded with who took it); AR managers decide who gets statements and when.
using { StatementsService } from './service';

annotate StatementsService with @requires: [ 'ARClerk', 'ARManager' ];

annotate StatementsService.StatementProfiles with @restrict: [
  { grant: 'READ', to: [ 'ARClerk', 'ARManager' ] },
  { grant: [ 'CREATE', 'UPDATE', 'DELETE' ], to: 'ARManager' },
];
annotate StatementsService.StatementRules with @restrict: [
  { grant: 'READ', to: [ 'ARClerk', 'ARManager' ] },
  { grant: [ 'CREATE', 'UPDATE', 'DELETE' ], to: 'ARManager' },
];
annotate StatementsService.StatementSchedules with @restrict: [
  { grant: 'READ', to: [ 'ARClerk', 'ARManager' ] },
  { grant: 'UPDATE', to: 'ARManager' },
];
annotate StatementsService.Statements with @restrict: [
  { grant: [ 'READ', 'approve', 'sendToCustomer' ], to: [ 'ARClerk', 'ARManager' ] },
];
// A customer's WeCom group: everyone in AR sees the groups (never their keys) and the notices; AR managers set them.
annotate StatementsService.WeComGroups with @restrict: [ { grant: 'READ', to: [ 'ARClerk', 'ARManager' ] } ];
annotate StatementsService.WeComNotices with @restrict: [ { grant: 'READ', to: [ 'ARClerk', 'ARManager' ] } ];
annotate StatementsService.setWeComGroup with @requires: 'ARManager';
