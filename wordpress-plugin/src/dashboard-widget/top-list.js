/**
 * The list the "Most read right now" widget shows, kept without any DOM: what WordPress answered
 * (the posts with the most readers, with their titles, peaks and views) merged with the live counts
 * the SDK reports for them.
 *
 * An entry: `{ postId, title, url, count, peak, views, series, rank, live }` (`series`: the post's
 * last hour, sparkline.js, or null). `rank` is the post's place in
 * the last answer (ties of live counts keep it); `live` tells that `count` comes from the SDK, which
 * is newer than any answer (WordPress caches the server's answer for a few seconds).
 */

/**
 * Internal dependencies
 */
import { isSeries } from '../shared/series';

/**
 * Reads an answer of GET /wp-json/vip-presence/v1/top into the list.
 *
 * A post of the answer is added, or its title, link, peak, views and series are updated (its count too,
 * unless the SDK reports it live). A post no longer in the answer stays while it has live readers,
 * and is dropped otherwise.
 *
 * @param {Map<number, Object>} entries Entries by post id (changed in place).
 * @param {Object}              answer  The route's answer, `{ posts: [...] }`.
 * @return {{added: number[], removed: number[]}} Post ids to start and to stop watching.
 */
export function applyAnswer(entries, answer) {
	const posts = Array.isArray(answer?.posts) ? answer.posts : [];
	const added = [];
	const listed = new Set();
	posts.forEach((post, rank) => {
		const postId = Number(post?.postId);
		if (
			!Number.isSafeInteger(postId) ||
			postId < 1 ||
			listed.has(postId) ||
			!isCount(post.count)
		) {
			return;
		}
		listed.add(postId);
		let entry = entries.get(postId);
		if (!entry) {
			entry = { postId, count: post.count, live: false };
			entries.set(postId, entry);
			added.push(postId);
		} else if (!entry.live) {
			entry.count = post.count;
		}
		entry.title = typeof post.title === 'string' ? post.title : '';
		entry.url = typeof post.url === 'string' ? post.url : '';
		entry.peak = isCount(post.peak)
			? Math.max(post.peak, entry.count)
			: null;
		entry.views = isCount(post.views) ? post.views : null;
		entry.series = isSeries(post.series) ? post.series : null;
		entry.rank = rank;
	});
	const removed = [];
	entries.forEach((entry, postId) => {
		if (listed.has(postId)) {
			return;
		}
		entry.rank = Infinity;
		if (!entry.live || entry.count === 0) {
			entries.delete(postId);
			removed.push(postId);
		}
	});
	return { added, removed };
}

/**
 * Takes a state from the SDK (`vipPresence.subscribe()` callback) into the list.
 *
 * @param {Map<number, Object>} entries Entries by post id (changed in place).
 * @param {Object}              state   The post's state: `postId`, `count`, `status`.
 * @return {boolean} Whether what the list shows changed.
 */
export function applyState(entries, state) {
	const entry = entries.get(state?.postId);
	if (!entry) {
		return false;
	}
	if (state.status !== 'live' || !isCount(state.count)) {
		// Offline or refused: the count keeps its last value, and the next answer may replace it.
		entry.live = false;
		return false;
	}
	const changed = entry.count !== state.count || !entry.live;
	entry.live = true;
	entry.count = state.count;
	if (
		entry.peak !== null &&
		entry.peak !== undefined &&
		state.count > entry.peak
	) {
		entry.peak = state.count;
	}
	return changed;
}

/**
 * Returns what the widget shows: the posts with readers, most first (ties in the answer's order),
 * at most `limit`.
 *
 * @param {Map<number, Object>} entries Entries by post id.
 * @param {number}              limit   How many.
 * @return {Object[]} Entries.
 */
export function visibleEntries(entries, limit) {
	return [...entries.values()]
		.filter((entry) => entry.count > 0)
		.sort(
			(a, b) =>
				b.count - a.count || a.rank - b.rank || a.postId - b.postId
		)
		.slice(0, limit);
}

function isCount(value) {
	return Number.isSafeInteger(value) && value >= 0;
}
