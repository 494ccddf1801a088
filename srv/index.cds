// The services, one folder per persona: its service, its handlers, who may do what, and what its apps add.
using from './integration/monitor';         // integration admins: sync, jobs, write-back
using from './integration/service';
using from './integration/access-control';
using from './launchpad/service';           // the launchpad's KPI tiles
using from './launchpad/access-control';
using from './receivables/apps';            // AR clerks and managers: the mirror, the conversation, disputes
using from './receivables/access-control';
using from './receivables/service';
using from './receivables/flows';
using from './collections/service';         // collections: reminder policies and runs, promises, reported payments
using from './collections/access-control';
using from './statements/service';          // monthly statements and their balance confirmation
using from './statements/access-control';
using from './statements/apps';
using from './respond/service';             // customers, by secure link
using from './s4-events';                   // S/4HANA's business events the sync follows
