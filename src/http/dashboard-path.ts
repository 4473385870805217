/** Where the admin dashboard is mounted, and its Basic auth realm (apart from the dashboard, which loads bull-board). */
export const DASHBOARD_PATH = '/admin/queues';
export const AUTH_REALM = 'ringsense-sync';
