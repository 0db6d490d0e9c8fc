/**
 * Keeps the "Most read right now" dashboard widget live without a reload: watches the listed posts
 * through the SDK (`{ count: false }`: the editor is not counted, and no token is needed), re-sorts
 * the list as their counts change, and asks WordPress for the list again
 * (`data-vip-presence-top-url`, the route of rest-top-posts.php, with the `wp_rest` nonce) every
 * `data-vip-presence-refresh` seconds while the page is shown, so posts that start being read
 * appear. The read API's credential stays on the server: WordPress asks it.
 *
 * Sets on the container `data-vip-presence-refreshes`: how many answers it has taken in.
 */

/**
 * External dependencies
 */
import '@vip-presence/client/browser';

/**
 * Internal dependencies
 */
import { applyAnswer, applyState, visibleEntries } from './top-list';
import { nobodyText, readingText, totalsText } from './top-posts-text';

const ITEM = 'li[data-vip-presence-post-id]';

/**
 * Reads the entries WordPress rendered.
 *
 * @param {HTMLElement} root The widget's container.
 * @return {Map<number, Object>} Entries by post id.
 */
function renderedEntries(root) {
	const entries = new Map();
	root.querySelectorAll(ITEM).forEach((item, rank) => {
		const postId = Number(item.dataset.vipPresencePostId);
		const link = item.querySelector('a');
		const number = (name) => {
			const value = Number(item.dataset[name]);
			return item.dataset[name] !== undefined &&
				Number.isSafeInteger(value)
				? value
				: null;
		};
		if (!Number.isSafeInteger(postId) || postId < 1 || !link) {
			return;
		}
		entries.set(postId, {
			postId,
			title: link.textContent,
			url: link.getAttribute('href') || '',
			count: number('vipPresenceCount') ?? 0,
			peak: number('vipPresencePeak'),
			views: number('vipPresenceViews'),
			rank,
			live: false,
		});
	});
	return entries;
}

/**
 * Starts keeping one widget live.
 *
 * @param {HTMLElement} root The widget's container.
 */
function keepLive(root) {
	const client = window.vipPresence;
	if (!client || typeof client.subscribe !== 'function') {
		return;
	}
	const locale = document.documentElement.lang || undefined;
	const limit = parseInt(root.dataset.vipPresenceLimit, 10) || 10;
	const refreshMs =
		Math.max(5, parseInt(root.dataset.vipPresenceRefresh, 10) || 15) * 1000;
	const entries = renderedEntries(root);
	const unsubscribes = new Map();
	const items = new Map();
	let refreshes = 0;
	let lastAsked = Date.now();
	let timer = null;

	function render() {
		const shown = visibleEntries(entries, limit);
		if (shown.length === 0) {
			if (!root.querySelector('.vip-presence-top-posts-empty')) {
				const empty = document.createElement('p');
				empty.className = 'vip-presence-top-posts-empty';
				empty.textContent = nobodyText();
				root.replaceChildren(empty);
			}
			return;
		}
		let list = root.querySelector('ol.vip-presence-top-posts');
		if (!list) {
			list = document.createElement('ol');
			list.className = 'vip-presence-top-posts';
			root.replaceChildren(list);
		}
		const rows = shown.map((entry) => itemOf(entry));
		rows.forEach((row, index) => {
			if (list.children[index] !== row) {
				list.insertBefore(row, list.children[index] || null);
			}
		});
		while (list.children.length > rows.length) {
			list.lastElementChild.remove();
		}
	}

	/**
	 * Returns the list item of an entry, made or updated.
	 *
	 * @param {Object} entry Entry.
	 * @return {HTMLLIElement} Item.
	 */
	function itemOf(entry) {
		let item = items.get(entry.postId);
		if (!item || !item.isConnected) {
			item =
				root.querySelector(
					`${ITEM}[data-vip-presence-post-id="${entry.postId}"]`
				) || document.createElement('li');
			items.set(entry.postId, item);
		}
		let link = item.querySelector('a');
		let count = item.querySelector('.vip-presence-top-posts-count');
		let totals = item.querySelector('.vip-presence-top-posts-totals');
		if (!link || !count) {
			item.replaceChildren();
			link = document.createElement('a');
			count = document.createElement('span');
			count.className = 'vip-presence-top-posts-count';
			item.append(link, ' ', count);
		}
		if (!totals) {
			totals = document.createElement('span');
			totals.className = 'vip-presence-top-posts-totals';
			item.append(' ', totals);
		}
		item.dataset.vipPresencePostId = String(entry.postId);
		item.dataset.vipPresenceCount = String(entry.count);
		setText(link, entry.title);
		if (link.getAttribute('href') !== entry.url) {
			link.setAttribute('href', entry.url);
		}
		setText(count, readingText(entry.count, locale));
		const known = entry.peak !== null && entry.views !== null;
		setText(
			totals,
			known ? totalsText(entry.peak, entry.views, locale) : ''
		);
		totals.hidden = !known;
		if (known) {
			item.dataset.vipPresencePeak = String(entry.peak);
			item.dataset.vipPresenceViews = String(entry.views);
		}
		return item;
	}

	function watch(postId) {
		if (unsubscribes.has(postId)) {
			return;
		}
		unsubscribes.set(
			postId,
			client.subscribe(
				postId,
				(state) => {
					if (applyState(entries, state)) {
						render();
					}
				},
				{ count: false }
			)
		);
	}

	function unwatch(postId) {
		const unsubscribe = unsubscribes.get(postId);
		unsubscribes.delete(postId);
		items.delete(postId);
		if (typeof unsubscribe === 'function') {
			unsubscribe();
		}
	}

	async function refresh() {
		lastAsked = Date.now();
		try {
			const url = new URL(
				root.dataset.vipPresenceTopUrl,
				document.baseURI
			);
			url.searchParams.set('limit', String(limit));
			const response = await window.fetch(url, {
				credentials: 'same-origin',
				headers: {
					Accept: 'application/json',
					'X-WP-Nonce': root.dataset.vipPresenceNonce || '',
				},
			});
			if (!response.ok) {
				return;
			}
			const { added, removed } = applyAnswer(
				entries,
				await response.json()
			);
			removed.forEach(unwatch);
			added.forEach(watch);
			root.dataset.vipPresenceStatus = 'ok';
			render();
			refreshes += 1;
			root.dataset.vipPresenceRefreshes = String(refreshes);
		} catch {
			// The network or WordPress is away: the list stays, and the next turn asks again.
		}
	}

	function schedule() {
		window.clearTimeout(timer);
		timer = window.setTimeout(async () => {
			if (stopIfGone()) {
				return;
			}
			if (!document.hidden) {
				await refresh();
			}
			schedule();
		}, refreshMs);
	}

	function onVisibilityChange() {
		if (stopIfGone()) {
			return;
		}
		if (!document.hidden && Date.now() - lastAsked >= refreshMs) {
			refresh().then(schedule);
		}
	}

	/**
	 * Lets everything go once the widget has left the page.
	 *
	 * @return {boolean} Whether it has.
	 */
	function stopIfGone() {
		if (root.isConnected) {
			return false;
		}
		window.clearTimeout(timer);
		document.removeEventListener('visibilitychange', onVisibilityChange);
		[...unsubscribes.keys()].forEach(unwatch);
		return true;
	}

	entries.forEach((entry) => watch(entry.postId));
	document.addEventListener('visibilitychange', onVisibilityChange);
	schedule();
}

function start() {
	document.querySelectorAll('.vip-presence-top').forEach(keepLive);
}

if (document.readyState === 'loading') {
	document.addEventListener('DOMContentLoaded', start);
} else {
	start();
}

/**
 * Sets an element's text, only when it changes.
 *
 * @param {HTMLElement} element Element.
 * @param {string}      text    Text.
 */
function setText(element, text) {
	if (element.textContent !== text) {
		element.textContent = text;
	}
}
