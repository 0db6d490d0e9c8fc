/**
 * @wordpress/scripts' webpack config, plus the three scripts that are not part of a block:
 *   src/widget/index.js        -> build/widget.js (+ widget.asset.php)
 *   src/admin-column/index.js  -> build/admin-column.js (+ admin-column.asset.php)
 *   src/dashboard-widget/index.js -> build/dashboard-widget.js (+ dashboard-widget.asset.php)
 * The block (src/block/block.json and its editor script) is found by the default config.
 */
const path = require( 'path' );
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );

const extraEntries = {
	widget: path.resolve( __dirname, 'src/widget/index.js' ),
	'admin-column': path.resolve( __dirname, 'src/admin-column/index.js' ),
	'dashboard-widget': path.resolve(
		__dirname,
		'src/dashboard-widget/index.js'
	),
};

function withExtraEntries( config ) {
	const defaultEntry = config.entry;
	return {
		...config,
		entry: () => ( {
			...( typeof defaultEntry === 'function'
				? defaultEntry()
				: defaultEntry ),
			...extraEntries,
		} ),
	};
}

// With WP_EXPERIMENTAL_MODULES the default export is [ scriptConfig, moduleConfig ].
module.exports = Array.isArray( defaultConfig )
	? [ withExtraEntries( defaultConfig[ 0 ] ), ...defaultConfig.slice( 1 ) ]
	: withExtraEntries( defaultConfig );
