import type { MappingSnapshot } from '../config/load-mapping.ts';
import type { PeopleDirectory } from './directory.port.ts';

/**
 * Looks up every Salesforce user the mapping names (`users`, `defaultOwner`) ahead of the first call, through the
 * same cached and batched directory the calls use: one or two requests (users by id, users by e-mail), so the first
 * calls after a start find their owners cached instead of each waiting a round trip for them. A user named by
 * Salesforce user id is looked up all the same: whether they are active, and their time zone (TimeZoneSidKey, the
 * rep's day their calls are dated in), come from Salesforce, in the same query.
 * Never throws (a failed lookup is only not cached; a call that needs it asks again). Returns how many were found.
 * Checking the mapping against the org, with a report, is `config check --online`.
 */
export async function warmMappedUsers(snap: MappingSnapshot, people: PeopleDirectory): Promise<{ mapped: number; found: number }> {
  const m = snap.mapping;
  const refs = [...Object.values(m.users), ...(m.defaultOwner ? [m.defaultOwner] : [])];
  const results = await Promise.allSettled(refs.map((ref) => ('salesforceUserId' in ref ? people.userById(ref.salesforceUserId) : people.activeUserByEmail(ref.email))));
  return { mapped: refs.length, found: results.filter((r) => r.status === 'fulfilled' && r.value !== undefined).length };
}
