// The services, one folder per persona: its service, its handlers, and what its apps add.
using from './receivables/service'; // AR clerks and managers: the mirror, the conversation, disputes
using from './receivables/apps';
using from './receivables/access-control';
using from './integration/service'; // integration admins: sync, jobs, write-back
using from './integration/monitor';
using from './respond/service';     // customers, by secure link
using from './launchpad/service';   // the launchpad's KPI tiles
using from './s4-events';           // S/4HANA's business events the sync follows
