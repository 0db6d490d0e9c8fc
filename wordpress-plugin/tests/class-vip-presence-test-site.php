<?php
/**
 * The throwaway WordPress site of one test run, in a new temp folder:
 *
 *   <run>/wordpress/   a copy of the offline core of scripts/wordpress-core.sh (the e2e's core), with
 *                      the SQLite integration plugin and its db.php drop-in, a wp-config.php, and
 *                      this plugin linked in as wp-content/plugins/vip-presence (for a multisite
 *                      run: a subdirectory network of two sites, the plugin network-activated)
 *   <run>/database/    the SQLite database, new for every run
 *
 * WordPress is installed in a PHP process of its own (install-site.php), as the installer would, and
 * the plugin activated there; the test process then loads WordPress, which loads the active plugin.
 *
 * @package vip-presence
 */

/**
 * Prepares, installs and removes the site of a test run.
 */
final class VIP_Presence_Test_Site {

	/**
	 * Folder name of the plugin in wp-content/plugins, as the zip installs it.
	 */
	const PLUGIN_SLUG = 'vip-presence';

	/**
	 * Host name of the site (WP_HOME). Requests to other hosts than 127.0.0.1 are blocked.
	 */
	const DOMAIN = 'example.org';

	/**
	 * Path of the second site of the network (multisite runs), a subdirectory site.
	 */
	const SECOND_SITE_PATH = '/second/';

	/**
	 * Makes the site of a new run and installs WordPress with the plugin active.
	 *
	 * A multisite run makes a subdirectory network instead, as Tools > Network Setup does: WordPress
	 * installed, its network tables and network made (install_network(), populate_network()), the
	 * multisite constants written into wp-config.php; then, on the network, the plugin
	 * network-activated and a second site added at SECOND_SITE_PATH (install-network.php).
	 *
	 * @param string $run       Empty folder of the run.
	 * @param bool   $multisite Whether to make a network.
	 * @return string The WordPress folder (ABSPATH).
	 */
	public static function create( $run, $multisite = false ) {
		$wordpress = $run . '/wordpress';
		self::run( array( 'bash', self::repository() . '/scripts/wordpress-core.sh', '--copy', $wordpress ) );
		self::add_sqlite( $wordpress );
		self::write_config( $wordpress, $run . '/database', false );
		symlink( dirname( __DIR__ ), $wordpress . '/wp-content/plugins/' . self::PLUGIN_SLUG );
		self::run( array( PHP_BINARY, __DIR__ . '/install-site.php', $wordpress, $multisite ? 'network' : 'site' ) );
		if ( $multisite ) {
			self::write_config( $wordpress, $run . '/database', true );
			self::run( array( PHP_BINARY, __DIR__ . '/install-network.php', $wordpress ) );
		}
		return $wordpress;
	}

	/**
	 * Tells whether this run tests a multisite network: VIP_PRESENCE_TEST_MULTISITE=1, which
	 * phpunit-multisite.xml.dist sets.
	 *
	 * @return bool
	 */
	public static function is_multisite_run() {
		return '1' === getenv( 'VIP_PRESENCE_TEST_MULTISITE' );
	}

	/**
	 * Deletes a folder and everything in it (the run's folder, at the end of the run).
	 *
	 * @param string $path Folder.
	 */
	public static function remove( $path ) {
		if ( is_link( $path ) || is_file( $path ) ) {
			unlink( $path );
			return;
		}
		if ( ! is_dir( $path ) ) {
			return;
		}
		foreach ( scandir( $path ) as $name ) {
			if ( '.' !== $name && '..' !== $name ) {
				self::remove( $path . '/' . $name );
			}
		}
		rmdir( $path );
	}

	/**
	 * Returns the monorepo's root folder.
	 *
	 * @return string
	 */
	private static function repository() {
		return dirname( __DIR__, 2 );
	}

	/**
	 * Unpacks the SQLite integration plugin that @wp-playground/cli ships (the one wp-env's Playground
	 * runtime uses) into wp-content/plugins and installs its db.php drop-in, placeholders filled in as
	 * the plugin's own activation does.
	 *
	 * @param string $wordpress WordPress folder.
	 */
	private static function add_sqlite( $wordpress ) {
		$zip = self::repository() . '/node_modules/@wp-playground/cli/sqlite-database-integration.zip';
		if ( ! is_file( $zip ) ) {
			self::fail( "$zip is missing: run npm ci at the root of the monorepo (it comes with @wordpress/env of e2e/)" );
		}
		if ( ! extension_loaded( 'pdo_sqlite' ) ) {
			self::fail( 'PHP has no pdo_sqlite: install php-sqlite3 (bash scripts/install-system-deps.sh)' );
		}
		$plugins = $wordpress . '/wp-content/plugins';
		( new PharData( $zip ) )->extractTo( $plugins, null, true );
		$folder = $plugins . '/sqlite-database-integration';
		rename( $plugins . '/plugin-sqlite-database-integration', $folder );
		// The one change Playground makes to the plugin too: its wpdb subclass reads this property
		// through wpdb::__get(), which cannot see a private one (wpdb before 6.2 has none of its own).
		$driver = $folder . '/wp-includes/sqlite/class-wp-sqlite-db.php';
		file_put_contents(
			$driver,
			str_replace( 'private $allow_unsafe_unquoted_parameters', 'protected $allow_unsafe_unquoted_parameters', (string) file_get_contents( $driver ) )
		);
		$dropin = strtr(
			(string) file_get_contents( $folder . '/db.copy' ),
			array(
				'{SQLITE_IMPLEMENTATION_FOLDER_PATH}' => $folder,
				'{SQLITE_PLUGIN}'                     => 'sqlite-database-integration/load.php',
			)
		);
		file_put_contents( $wordpress . '/wp-content/db.php', $dropin );
	}

	/**
	 * Writes wp-config.php: SQLite database in its own folder, debug on, no cron or updates, HTTP only
	 * to 127.0.0.1 (the local presence server), and the request a command-line run stands for.
	 *
	 * @param string $wordpress WordPress folder.
	 * @param string $database  Folder of the SQLite database.
	 * @param bool   $multisite Whether WordPress is a subdirectory network (its constants added).
	 */
	private static function write_config( $wordpress, $database, $multisite ) {
		$constants = array(
			'DB_NAME'                    => 'wordpress',
			'DB_USER'                    => '',
			'DB_PASSWORD'                => '',
			'DB_HOST'                    => '',
			'DB_CHARSET'                 => 'utf8mb4',
			'DB_COLLATE'                 => '',
			'DB_DIR'                     => $database,
			'DB_FILE'                    => 'wordpress.sqlite',
			'WP_HOME'                    => 'http://' . self::DOMAIN,
			'WP_SITEURL'                 => 'http://' . self::DOMAIN,
			'WP_DEBUG'                   => true,
			'DISABLE_WP_CRON'            => true,
			'AUTOMATIC_UPDATER_DISABLED' => true,
			'WP_HTTP_BLOCK_EXTERNAL'     => true,
			'WP_ACCESSIBLE_HOSTS'        => '127.0.0.1',
		);
		if ( $multisite ) {
			// What Tools > Network Setup asks to add (a network ignores WP_HOME and WP_SITEURL).
			$constants += array(
				'MULTISITE'            => true,
				'SUBDOMAIN_INSTALL'    => false,
				'DOMAIN_CURRENT_SITE'  => self::DOMAIN,
				'PATH_CURRENT_SITE'    => '/',
				'SITE_ID_CURRENT_SITE' => 1,
				'BLOG_ID_CURRENT_SITE' => 1,
			);
		}
		foreach ( array( 'AUTH', 'SECURE_AUTH', 'LOGGED_IN', 'NONCE' ) as $scheme ) {
			$constants[ $scheme . '_KEY' ]  = bin2hex( random_bytes( 32 ) );
			$constants[ $scheme . '_SALT' ] = bin2hex( random_bytes( 32 ) );
		}
		$config = "<?php\n// The site of one PHPUnit run of the vip-presence plugin (tests/class-vip-presence-test-site.php).\n";
		foreach ( $constants as $name => $value ) {
			$config .= sprintf( "define( %s, %s );\n", var_export( $name, true ), var_export( $value, true ) );
		}
		$server  = array(
			'HTTP_HOST'       => self::DOMAIN,
			'SERVER_NAME'     => self::DOMAIN,
			'SERVER_PORT'     => '80',
			'REQUEST_METHOD'  => 'GET',
			'REQUEST_URI'     => '/',
			'REMOTE_ADDR'     => '127.0.0.1',
			'SERVER_PROTOCOL' => 'HTTP/1.1',
			'PHP_SELF'        => '/index.php',
		);
		$config .= '$_SERVER = array_merge( $_SERVER, ' . var_export( $server, true ) . " );\n";
		$config .= "\$table_prefix = 'wp_';\n";
		$config .= "if ( ! defined( 'ABSPATH' ) ) {\n\tdefine( 'ABSPATH', __DIR__ . '/' );\n}\n";
		$config .= "require_once ABSPATH . 'wp-settings.php';\n";
		if ( ! is_dir( $database ) ) {
			mkdir( $database );
		}
		file_put_contents( $wordpress . '/wp-config.php', $config );
	}

	/**
	 * Runs a command; stops the run with its output when it fails.
	 *
	 * @param string[] $command Program and arguments.
	 */
	private static function run( array $command ) {
		$process = proc_open( $command, array( 1 => array( 'pipe', 'w' ), 2 => array( 'redirect', 1 ) ), $pipes );
		$output  = stream_get_contents( $pipes[1] );
		fclose( $pipes[1] );
		$status = proc_close( $process );
		if ( 0 !== $status ) {
			self::fail( sprintf( "%s exited with %d:\n%s", implode( ' ', $command ), $status, $output ) );
		}
	}

	/**
	 * Stops the run before any test, with a message that says what to do.
	 *
	 * @param string $message What is wrong.
	 */
	private static function fail( $message ) {
		fwrite( STDERR, "vip-presence tests: $message\n" );
		exit( 1 );
	}
}
