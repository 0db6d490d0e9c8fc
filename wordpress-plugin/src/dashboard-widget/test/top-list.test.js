/**
 * The widget's list, without any DOM: answers of the route merged with live counts.
 */
import { applyAnswer, applyState, visibleEntries } from '../top-list';

const post = (postId, count, extra = {}) => ({
	postId,
	title: `Post ${postId}`,
	url: `https://example.org/?p=${postId}`,
	count,
	peak: count + 1,
	peakAt: 1764300000,
	views: count * 10,
	...extra,
});
const live = (postId, count) => ({ postId, count, status: 'live' });
const order = (entries) =>
	visibleEntries(entries, 10).map((e) => [e.postId, e.count]);

describe('the most read list', () => {
	it('takes the posts of an answer in its order, to be watched', () => {
		const entries = new Map();
		expect(
			applyAnswer(entries, { posts: [post(1, 3), post(2, 1)] })
		).toEqual({
			added: [1, 2],
			removed: [],
		});
		expect(order(entries)).toEqual([
			[1, 3],
			[2, 1],
		]);
		expect(entries.get(1)).toMatchObject({
			title: 'Post 1',
			peak: 4,
			views: 30,
		});
	});

	it('re-sorts by live counts, which win over the cached answer', () => {
		const entries = new Map();
		applyAnswer(entries, { posts: [post(1, 3), post(2, 1)] });
		expect(applyState(entries, live(2, 5))).toBe(true);
		expect(order(entries)).toEqual([
			[2, 5],
			[1, 3],
		]);
		// An older answer that still says 1 does not undo what the SDK reported.
		applyAnswer(entries, { posts: [post(1, 3), post(2, 1)] });
		expect(order(entries)).toEqual([
			[2, 5],
			[1, 3],
		]);
		expect(applyState(entries, live(2, 5))).toBe(false);
	});

	it('raises a peak that live readers pass', () => {
		const entries = new Map();
		applyAnswer(entries, { posts: [post(1, 3)] });
		applyState(entries, live(1, 9));
		expect(entries.get(1).peak).toBe(9);
		applyState(entries, live(1, 2));
		expect(entries.get(1).peak).toBe(9);
	});

	it('hides posts nobody reads any more, and forgets them at the next answer', () => {
		const entries = new Map();
		applyAnswer(entries, { posts: [post(1, 3), post(2, 1)] });
		applyState(entries, live(2, 0));
		expect(order(entries)).toEqual([[1, 3]]);
		expect(
			applyAnswer(entries, { posts: [post(1, 3), post(3, 2)] })
		).toEqual({
			added: [3],
			removed: [2],
		});
		expect(order(entries)).toEqual([
			[1, 3],
			[3, 2],
		]);
	});

	it('keeps a post left out of a cached answer while it has live readers', () => {
		const entries = new Map();
		applyAnswer(entries, { posts: [post(1, 3)] });
		applyState(entries, live(1, 4));
		expect(applyAnswer(entries, { posts: [] }).removed).toEqual([]);
		expect(order(entries)).toEqual([[1, 4]]);
	});

	it('falls back to the answer when the SDK goes offline', () => {
		const entries = new Map();
		applyAnswer(entries, { posts: [post(1, 3)] });
		applyState(entries, live(1, 4));
		applyState(entries, { postId: 1, count: 4, status: 'offline' });
		applyAnswer(entries, { posts: [post(1, 2)] });
		expect(order(entries)).toEqual([[1, 2]]);
	});

	it('shows at most the limit, and skips malformed entries', () => {
		const entries = new Map();
		applyAnswer(entries, {
			posts: [
				post(1, 3),
				{ postId: -1, count: 2 },
				post(2, 'x'),
				post(1, 9),
				post(4, 2),
			],
		});
		expect(visibleEntries(entries, 1).map((e) => e.postId)).toEqual([1]);
		expect([...entries.keys()]).toEqual([1, 4]);
		expect(applyAnswer(new Map(), null)).toEqual({
			added: [],
			removed: [],
		});
	});

	it('knows no peak or views from a server that sends none', () => {
		const entries = new Map();
		applyAnswer(entries, {
			posts: [
				{
					postId: 1,
					title: 'Old',
					url: '/',
					count: 2,
					peak: null,
					views: null,
				},
			],
		});
		applyState(entries, live(1, 5));
		expect(entries.get(1)).toMatchObject({
			peak: null,
			views: null,
			count: 5,
		});
	});
});
