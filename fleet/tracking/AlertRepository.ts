/**
 * Persistence of alerts (raised, cleared, acknowledged), so alerts survive a server restart and a dispatcher's
 * acknowledgement is recorded. The store implements it; tests use InMemoryAlertRepository.
 */
import type { Alert } from './core/alerts.ts';

export interface AlertRepository {
  /** Inserts or replaces the alert with this id. */
  save(alert: Alert): void | Promise<void>;
  /** Alerts still listed: open, or cleared but not yet acknowledged. */
  loadListed(): Alert[] | Promise<Alert[]>;
}

export class InMemoryAlertRepository implements AlertRepository {
  readonly #alerts = new Map<string, Alert>();

  save(alert: Alert): void {
    this.#alerts.set(alert.id, alert);
  }

  loadListed(): Alert[] {
    return [...this.#alerts.values()].filter((a) => a.clearedAtMs === undefined || a.acknowledged === undefined);
  }

  /** Every alert ever saved (history), newest last. */
  all(): Alert[] {
    return [...this.#alerts.values()];
  }
}
