/**
 * Editor script of the "Live viewers" block. The block is dynamic: PHP renders it on the front end
 * (includes/block.php), so it saves nothing and the editor shows a sample of what readers see.
 * No JSX: the automatic JSX runtime needs the `react-jsx-runtime` script, which WordPress 6.1 lacks.
 */

/**
 * WordPress dependencies
 */
import { registerBlockType } from '@wordpress/blocks';
import { useBlockProps } from '@wordpress/block-editor';
import { createElement } from '@wordpress/element';
import { __, _n } from '@wordpress/i18n';

/**
 * Internal dependencies
 */
import metadata from './block.json';
import { widgetText } from '../widget/widget-text';

/**
 * The widget's texts in the editor (the editor loads wp-i18n anyway; on the front end WordPress
 * prints them: see widget-text.js). The same strings as includes/assets.php's, for the .pot.
 */
const editorStrings = {
	alone: __("You're the only one here", 'vip-presence'),
	others: (count) =>
		/* translators: %s: number of other people viewing this post right now. */
		_n(
			'%s other person is viewing',
			'%s other people are viewing',
			count,
			'vip-presence'
		),
};

function Edit() {
	const blockProps = useBlockProps({ className: 'vip-presence-widget' });
	return createElement(
		'div',
		blockProps,
		widgetText(
			{ status: 'live', self: true, count: 3, others: 2 },
			0,
			document.documentElement.lang || undefined,
			editorStrings
		)
	);
}

// Title, supports and the rest come from block.json, registered (and translated) by PHP.
registerBlockType(metadata.name, {
	edit: Edit,
	save: () => null,
});
