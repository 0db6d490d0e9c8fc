/**
 * Front-end script of the live viewers widget: fills, through the client SDK (its own script,
 * `vip-presence-client`, which reads `window.vipPresenceSettings` and defines
 * `window.vipPresence`), every widget
 * `<div class="vip-presence-widget" data-vip-presence-post-id="…" data-vip-presence-mode="…">`
 * of the page: those in the HTML, those added later (infinite scroll, AJAX), and it stops following
 * a post once its last widget has left the page. Its texts come translated from WordPress
 * (`window.vipPresenceWidgetText`), so a post page loads neither wp-i18n nor wp-hooks.
 */

/**
 * External dependencies
 */
// Not bundled: the script `vip-presence-client` (webpack.config.js), a dependency of this one.
import '@vip-presence/client/browser';

/**
 * Internal dependencies
 */
import { printedStrings, widgetText } from './widget-text';

const SELECTOR = '.vip-presence-widget[data-vip-presence-post-id]';

/** The texts WordPress printed before this script, in the site's language. */
const strings = printedStrings(window.vipPresenceWidgetText);

/** Post and mode ("42:view") -> { elements, last, unsubscribe }: what the page follows now. */
const followed = new Map();

/**
 * Fills the widgets under `root` that are not filled yet, subscribing once per post (and mode).
 * Public as `window.vipPresence.fillWidgets( root )`; widgets added to the page later are found on
 * their own, so a theme needs it only for content it renders where the page's observer cannot see
 * (a shadow root). A widget whose post's token is not on the page gets one from WordPress
 * (`tokensUrl`) when the server asks for it.
 *
 * `data-vip-presence-mode="view"` counts the visitor as viewing the post (the post of a single view);
 * `"watch"` only shows the count (other posts: archives, query loops, a shortcode naming a post).
 *
 * @param {Document|Element} root Where to look for widgets.
 */
export function fillWidgets(root = document) {
	const found = root.matches?.(SELECTOR) ? [root] : [];
	found.push(...root.querySelectorAll(SELECTOR));
	fill(found);
}

/**
 * Every widget element of the page, kept current by the browser (a live collection): what the
 * page's observer looks through when nodes are added, a few elements however many nodes came.
 */
const pageWidgets = document.getElementsByClassName('vip-presence-widget');

/**
 * Subscribes the widgets given that are not filled yet, once per post (and mode).
 *
 * @param {Iterable<Element>} elements Widgets, and maybe other elements of their class.
 */
function fill(elements) {
	const client = window.vipPresence;
	if (!client || typeof client.subscribe !== 'function') {
		return;
	}
	for (const element of elements) {
		if (element.dataset.vipPresenceStatus || !element.matches(SELECTOR)) {
			continue;
		}
		const postId = Number(element.dataset.vipPresencePostId);
		if (!Number.isSafeInteger(postId) || postId < 1) {
			continue;
		}
		const watch = element.dataset.vipPresenceMode === 'watch';
		const key = `${postId}:${watch ? 'watch' : 'view'}`;
		element.dataset.vipPresenceStatus = 'connecting';
		const known = followed.get(key);
		if (known) {
			known.elements.add(element);
			if (known.last) {
				render(element, known.last);
			}
			continue;
		}
		const group = { elements: new Set([element]), last: null };
		followed.set(key, group);
		const update = (state) => {
			group.last = state;
			group.elements.forEach((each) => render(each, state));
		};
		group.unsubscribe = watch
			? client.subscribe(postId, update, { count: false })
			: client.subscribe(postId, update);
	}
}

/** Stops following the posts none of whose widgets is on the page any more. */
function forgetRemovedWidgets() {
	followed.forEach((group, key) => {
		group.elements.forEach((element) => {
			if (!element.isConnected) {
				group.elements.delete(element);
			}
		});
		if (group.elements.size === 0) {
			followed.delete(key);
			group.unsubscribe?.();
		}
	});
}

/**
 * Shows a post's state in one widget.
 *
 * @param {HTMLElement} element The widget.
 * @param {Object}      state   What the subscription knows.
 */
function render(element, state) {
	const hideBelow = parseInt(element.dataset.vipPresenceHideBelow, 10) || 0;
	const text = widgetText(state, hideBelow, strings);
	// Only real changes reach the page: aria-live announces every change, and each change is a
	// mutation every MutationObserver of the page is told about.
	if (element.textContent !== text) {
		const node = element.firstChild;
		if (text && node && node === element.lastChild && node.nodeType === 3) {
			// The text node's data: observers of added and removed nodes (emoji, comment-reply,
			// this script's) are not woken by a count that changes.
			node.data = text;
		} else {
			element.textContent = text;
		}
	}
	if (element.dataset.vipPresenceStatus !== state.status) {
		element.dataset.vipPresenceStatus = state.status;
	}
}

function start() {
	if (window.vipPresence) {
		window.vipPresence.fillWidgets = fillWidgets;
	}
	// The first subscription opens the SDK's connection, its heaviest step: it runs in a task of its
	// own, after this script's, so that neither is a long task (50 ms and more) on a slow phone.
	// Measured with Lighthouse (packages/bench/page-weight.md): together they made one of 52-89 ms.
	window.setTimeout(() => fillWidgets(), 0);
	new window.MutationObserver((records) => {
		// A second copy of this script on the page took over: it alone follows the widgets.
		if (window.vipPresence?.fillWidgets !== fillWidgets) {
			return;
		}
		// Pages that build much of their DOM in script (the Interactivity API, infinite scroll) add
		// many nodes: looking through the page's widgets costs the same however many came.
		let added = false;
		let removed = false;
		for (const record of records) {
			added ||= record.addedNodes.length > 0;
			removed ||= record.removedNodes.length > 0;
		}
		if (added) {
			fill(Array.from(pageWidgets));
		}
		if (removed) {
			forgetRemovedWidgets();
		}
	}).observe(document.documentElement, { childList: true, subtree: true });
}

if (document.readyState === 'loading') {
	document.addEventListener('DOMContentLoaded', start);
} else {
	start();
}
