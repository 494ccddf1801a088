// Who may use LaunchpadService (srv/launchpad/service.cds): every finance role; the tiles show counts, never a
// customer's data, and the local launchpad shows each role only its own apps' tiles.
using { LaunchpadService } from './service';

annotate LaunchpadService with @requires: [ 'ARClerk', 'ARManager', 'IntegrationAdmin' ];
