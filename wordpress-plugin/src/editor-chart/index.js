/**
 * The block editor's "Readers over time" panel (document settings sidebar): the post's readers over
 * the last 24 hours as a chart (../shared/readers-chart-svg.js), kept current while the editor is open
 * (../shared/readers-chart-live.js). Published posts only; others say they have no readers yet.
 * WordPress enqueues it only for the post types the plugin counts and users who can edit the post
 * (includes/readers-chart.php).
 *
 * PluginDocumentSettingPanel is in wp.editor from WordPress 6.6 on (wp.editPost's is deprecated
 * there, and says so in the console) and only in wp.editPost before: the first found is used.
 * No JSX: the automatic JSX runtime needs the `react-jsx-runtime` script, which WordPress 6.1 lacks.
 */

/**
 * WordPress dependencies
 */
import { useSelect } from '@wordpress/data';
import * as editPost from '@wordpress/edit-post';
import * as editor from '@wordpress/editor';
import { createElement, useEffect, useRef } from '@wordpress/element';
import { __ } from '@wordpress/i18n';
import { registerPlugin } from '@wordpress/plugins';

/**
 * Internal dependencies
 */
import {
	keepReadersChart,
	readersChartSettings,
} from '../shared/readers-chart-live';
import { unpublishedText } from '../shared/readers-chart-text';

const PluginDocumentSettingPanel =
	editor.PluginDocumentSettingPanel || editPost.PluginDocumentSettingPanel;

/**
 * The chart of a published post, kept current while it is shown.
 *
 * @param {Object} props        Props.
 * @param {number} props.postId Post id.
 * @return {Element} Its container (the chart is drawn into it, not by React).
 */
function LiveChart({ postId }) {
	const ref = useRef(null);
	useEffect(() => {
		return keepReadersChart(ref.current, postId, readersChartSettings());
	}, [postId]);
	return createElement('div', {
		ref,
		className: 'vip-presence-readers-chart',
		'data-vip-presence-post-id': postId,
	});
}

function ReadersPanel() {
	const postId = useSelect(
		(select) => select('core/editor').getCurrentPostId(),
		[]
	);
	// As saved: the chart starts once the post is published, not while its status is being edited.
	const status = useSelect(
		(select) => select('core/editor').getCurrentPostAttribute('status'),
		[]
	);
	return createElement(
		PluginDocumentSettingPanel,
		{
			name: 'vip-presence-readers',
			title: __('Readers over time', 'vip-presence'),
			className: 'vip-presence-readers-panel',
		},
		status === 'publish'
			? createElement(LiveChart, { postId })
			: createElement(
					'p',
					{ className: 'vip-presence-readers-chart-empty' },
					unpublishedText()
				)
	);
}

if (PluginDocumentSettingPanel) {
	registerPlugin('vip-presence-readers', { render: ReadersPanel });
}
