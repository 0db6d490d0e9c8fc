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

/**
 * Internal dependencies
 */
import metadata from './block.json';
import { widgetText } from '../widget/widget-text';

function Edit() {
	const blockProps = useBlockProps({ className: 'vip-presence-widget' });
	return createElement(
		'div',
		blockProps,
		widgetText({ status: 'live', self: true, count: 3, others: 2 })
	);
}

// Title, supports and the rest come from block.json, registered (and translated) by PHP.
registerBlockType(metadata.name, {
	edit: Edit,
	save: () => null,
});
