// The Fiori apps' annotations, one file per app; CAP serves them with the services' $metadata.
using from './invoices/annotations';
using from './disputes/annotations';
using from './customers/annotations';
using from './monitor/annotations';
using from './reminders/annotations';
using from './worklist/annotations';
using from './statements/annotations';
using from './statement-customers/annotations';
using from './common';
