// A dispute's status flow, declared: CAP refuses an action from any other status (409) and sets the status the
// action leads to; the apps offer an action only in the statuses it starts from (@Core.OperationAvailable,
// generated). Open → InProcess → Resolved (accepted or rejected, with an explanation) → Closed, and no other way.
using { ReceivablesService } from './service';

annotate ReceivablesService.Disputes with @flow.status: status actions {
  startProcessing @from: #Open       @to: #InProcess;
  resolveDispute  @from: #InProcess  @to: #Resolved;
  close           @from: #Resolved   @to: #Closed;
  addComment      @from: [ #Open, #InProcess, #Resolved ];
  assign          @from: [ #Open, #InProcess, #Resolved ];
  // Escalating also needs an AR manager and a dispute not escalated yet: its availability says so (app/common.cds).
  escalate        @from: [ #Open, #InProcess ];
}
