import type { Clock } from '../../clock/index.ts';
import type { LiveMessage } from '../console/core/types.ts';
import type { Logger } from '../observability/index.ts';
import type { ParcelService } from '../parcels/index.ts';
import type { Store } from '../store/index.ts';
import type { FleetTracker } from '../tracking/index.ts';
import type { CampusModel } from '../server/CampusModel.ts';
import type { RecoveryResult } from '../server/DispatchLoop.ts';
import type { LiveRerouteAccepted, LiveRerouteRefusal } from '../server/LiveReroute.ts';
import type { Result } from '../../common/core/AppError.ts';
import type {
  InstantActionRepository, OverrideRepository, SqlAlertRepository, SqlRobotRepository, SqlTokenRepository, TripRepository,
} from '../server/repos/index.ts';

/** What the REST resources need; FleetServer builds it once. */
export interface ApiDeps {
  clock: Clock;
  store: Store;
  logger: Logger;
  parcels: ParcelService;
  robots: SqlRobotRepository;
  tokens: SqlTokenRepository;
  alerts: SqlAlertRepository;
  trips: TripRepository;
  overrides: OverrideRepository;
  instantActions: InstantActionRepository;
  tracker: FleetTracker;
  campus: CampusModel;
  /** Asks the dispatch loop for a round soon (new parcels, released hold, new pin). */
  triggerDispatch: () => void;
  /** Pushes a change to the console's live feed. */
  publish: (message: LiveMessage) => void;
  /** A dispatcher reports a failed robot back at the hub (DispatchLoop.recoverRobot); absent: the route answers 501. */
  recoverRobot?: (serial: string, options: { unloadedByHand?: boolean; by?: string }) => Promise<RecoveryResult>;
  /** A dispatcher re-routes the robot's trip under way (LiveReroute.request); absent: `trip: 'current'` answers 501. */
  rerouteLive?: (serial: string, stops: readonly string[], by: string) => Promise<Result<LiveRerouteAccepted, LiveRerouteRefusal>>;
}
