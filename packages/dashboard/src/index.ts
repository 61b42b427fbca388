// The live dashboard (issue 8): follows the processes' control APIs and serves a web page with the
// sessions (SoC, power, setpoint, schedule and price plots), the message trace of each link, the
// data journeys as sequence diagrams, the timing budgets, and the driver's actions.
export { startDashboard } from './server.js';
export type { Dashboard, DashboardOptions, DashboardSource, ProcessView } from './server.js';
export { DashboardState } from './state.js';
export type { PricePoint, Session, SessionSeries, StoredEvent, Point } from './state.js';
export { ProcessSource } from './sources.js';
export { scheduleOf } from './schedules.js';
export type { ReceivedSchedule, ScheduleEntry } from './schedules.js';
export { DRIVER_ACTIONS, DriverActionError, driverAction } from './driver-actions.js';
export type { DriverAction, DriverRequest, DriverResult } from './driver-actions.js';
export { isLoopback, newToken } from './auth.js';
export { sessionView, timingView, journeysView } from './views.js';
export type { SessionView, TimingView, JourneyView } from './views.js';
