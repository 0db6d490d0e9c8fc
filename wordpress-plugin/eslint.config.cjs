/**
 * ESLint for the plugin's JavaScript: @wordpress/scripts' default config, plus module settings.
 */
const wpScriptsConfig = require( '@wordpress/scripts/config/eslint.config.cjs' );

module.exports = [
	...wpScriptsConfig,
	{
		settings: {
			// Provided at runtime, not installed: WordPress loads the @wordpress/* packages as scripts
			// (webpack externals, listed in build/*.asset.php), and webpack resolves the SDK through
			// the "exports" of the @vip-presence/client workspace (a failed import fails the build).
			'import/core-modules': [
				'@wordpress/api-fetch',
				'@wordpress/block-editor',
				'@wordpress/blocks',
				'@wordpress/data',
				'@wordpress/edit-post',
				'@wordpress/editor',
				'@wordpress/element',
				'@wordpress/i18n',
				'@wordpress/plugins',
				'@vip-presence/client/browser',
			],
		},
	},
];
