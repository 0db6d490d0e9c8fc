/**
 * @wordpress/scripts' webpack config, plus the scripts that are not part of a block:
 *   src/widget/index.js        -> build/widget.js (+ widget.asset.php)
 *   src/admin-column/index.js  -> build/admin-column.js (+ admin-column.asset.php)
 *   src/dashboard-widget/index.js -> build/dashboard-widget.js (+ dashboard-widget.asset.php)
 * and the client SDK, copied as it is:
 *   @vip-presence/client/dist/vip-presence.min.js -> build/client.js (+ client.asset.php)
 * The block (src/block/block.json and its editor script) is found by the default config.
 *
 * The SDK is its own script (handle `vip-presence-client`), which the three scripts above depend
 * on: `import '@vip-presence/client/browser'` in them becomes that dependency (in their
 * `*.asset.php`) and the global `window.vipPresence`, not a second copy of the SDK. The SDK is
 * packages/client's esbuild + terser bundle (held there to its own 15 KB gzip budget): about 4 KB
 * gzip smaller than webpack + babel make of the same source.
 *
 * Size budget: build/widget.js, the only plugin script of a post page besides the SDK, stays
 * under WIDGET_GZIP_BUDGET_BYTES gzip, or the build fails (like the SDK's own budget).
 */
const crypto = require( 'crypto' );
const fs = require( 'fs' );
const path = require( 'path' );
const zlib = require( 'zlib' );
const CopyWebpackPlugin = require( 'copy-webpack-plugin' );
const DependencyExtractionWebpackPlugin = require( '@wordpress/dependency-extraction-webpack-plugin' );
const defaultConfig = require( '@wordpress/scripts/config/webpack.config' );

/** The SDK's handle, as includes/assets.php registers it. */
const CLIENT_HANDLE = 'vip-presence-client';
const CLIENT_REQUEST = '@vip-presence/client/browser';
const CLIENT_BUNDLE = require.resolve(
	'@vip-presence/client/dist/vip-presence.min.js'
);
/** build/widget.js, gzip (zlib level 6): the hydration of the widgets only, the SDK apart. */
const WIDGET_GZIP_BUDGET_BYTES = 2 * 1024;

const extraEntries = {
	widget: path.resolve( __dirname, 'src/widget/index.js' ),
	'admin-column': path.resolve( __dirname, 'src/admin-column/index.js' ),
	'dashboard-widget': path.resolve(
		__dirname,
		'src/dashboard-widget/index.js'
	),
};

/** Copies the SDK bundle to build/client.js with its asset file (no dependencies). */
function clientCopy() {
	return new CopyWebpackPlugin( {
		patterns: [
			{ from: CLIENT_BUNDLE, to: 'client.js', info: { minimized: true } },
			{
				from: CLIENT_BUNDLE,
				to: 'client.asset.php',
				transform: ( content ) => {
					const version = crypto
						.createHash( 'md5' )
						.update( content )
						.digest( 'hex' )
						.slice( 0, 20 );
					return `<?php return array('dependencies' => array(), 'version' => '${ version }');\n`;
				},
			},
		],
	} );
}

/** Fails the build when build/widget.js grows over its gzip budget. */
class WidgetSizeBudget {
	apply( compiler ) {
		compiler.hooks.afterEmit.tap( 'WidgetSizeBudget', ( compilation ) => {
			const file = path.join( compilation.outputOptions.path, 'widget.js' );
			if ( ! fs.existsSync( file ) ) {
				return;
			}
			const gzip = zlib.gzipSync( fs.readFileSync( file ), {
				level: 6,
			} ).length;
			if ( gzip > WIDGET_GZIP_BUDGET_BYTES ) {
				compilation.errors.push(
					new Error(
						`build/widget.js is ${ gzip } bytes gzip, over its budget of ${ WIDGET_GZIP_BUDGET_BYTES } (webpack.config.js): the front end of a post page must stay light`
					)
				);
			}
		} );
	}
}

function withPluginScripts( config ) {
	const defaultEntry = config.entry;
	return {
		...config,
		entry: () => ( {
			...( typeof defaultEntry === 'function'
				? defaultEntry()
				: defaultEntry ),
			...extraEntries,
		} ),
		plugins: [
			...config.plugins.filter(
				( plugin ) =>
					! ( plugin instanceof DependencyExtractionWebpackPlugin )
			),
			new DependencyExtractionWebpackPlugin( {
				requestToExternal: ( request ) =>
					request === CLIENT_REQUEST ? 'vipPresence' : undefined,
				requestToHandle: ( request ) =>
					request === CLIENT_REQUEST ? CLIENT_HANDLE : undefined,
			} ),
			clientCopy(),
			new WidgetSizeBudget(),
		],
	};
}

// With WP_EXPERIMENTAL_MODULES the default export is [ scriptConfig, moduleConfig ].
module.exports = Array.isArray( defaultConfig )
	? [ withPluginScripts( defaultConfig[ 0 ] ), ...defaultConfig.slice( 1 ) ]
	: withPluginScripts( defaultConfig );
