<?php
/**
 * Base class of the plugin's tests, which run inside real WordPress (see bootstrap.php).
 *
 * Each test runs in a database transaction that is rolled back after it (options, transients, posts
 * and users it made are gone), and starts from a front-page request of a logged-out visitor: hooks,
 * request variables, scripts and settings messages as they were before it.
 *
 * @package vip-presence
 */

use PHPUnit\Framework\TestCase;

/**
 * Resets WordPress between tests, and helpers.
 */
abstract class VIP_Presence_Test_Case extends TestCase {

	/**
	 * The server URL configure() sets (not reachable: requests to it are blocked).
	 */
	const SERVER_URL = 'https://presence.example.com';

	/**
	 * The secret configure() sets unless told otherwise.
	 */
	const SECRET = 'a-long-enough-test-secret';

	/**
	 * The globals that hold hooks, saved before each test and put back after it.
	 */
	const HOOK_GLOBALS = array( 'wp_filter', 'wp_actions', 'wp_filters', 'wp_current_filter' );

	/**
	 * The last post id create_post() asked for.
	 *
	 * @var int
	 */
	private static $last_post_id = 1000;

	/**
	 * The local presence server.
	 *
	 * @var VIP_Presence_Test_Server|null
	 */
	private static $server = null;

	/**
	 * Hooks as they were before the test.
	 *
	 * @var array<string, mixed>
	 */
	private $saved_hooks = array();

	/**
	 * PHPUnit's error handler, which turns every notice, warning and deprecation into a failure.
	 *
	 * @var callable|null
	 */
	private $phpunit_error_handler = null;

	/**
	 * Requests made through WordPress's HTTP API during the test.
	 *
	 * @var array<int, array{url: string, args: array<string, mixed>, response: array|WP_Error}>
	 */
	private $http_requests = array();

	/**
	 * Opens the test's transaction and resets the request.
	 */
	protected function setUp(): void {
		parent::setUp();
		$this->phpunit_error_handler = set_error_handler( array( $this, 'handle_error' ) );
		$GLOBALS['wpdb']->query( 'START TRANSACTION' );
		foreach ( self::HOOK_GLOBALS as $name ) {
			$this->saved_hooks[ $name ] = $GLOBALS[ $name ];
		}
		foreach ( $GLOBALS['wp_filter'] as $hook_name => $hook ) {
			$this->saved_hooks['wp_filter'][ $hook_name ] = clone $hook;
		}
		$GLOBALS['wp_settings_errors'] = array();
		$GLOBALS['wp_scripts']         = null; // wp_scripts() makes a new one, with core's scripts.
		$GLOBALS['wp_styles']          = null; // wp_styles() too.
		$GLOBALS['current_screen']     = null;
		wp_set_current_user( 0 );
		self::presence_server()->reset();
		add_action( 'http_api_debug', array( $this, 'record_http_request' ), 10, 5 );
		$this->go_to( home_url( '/' ) );
	}

	/**
	 * Rolls the test's changes back.
	 */
	protected function tearDown(): void {
		$GLOBALS['wpdb']->query( 'ROLLBACK' );
		wp_cache_flush();
		foreach ( $this->saved_hooks as $name => $value ) {
			$GLOBALS[ $name ] = $value;
		}
		$this->saved_hooks   = array();
		$this->http_requests = array();
		$_GET                = array();
		$_POST               = array();
		$_REQUEST            = array();
		restore_error_handler();
		parent::tearDown();
	}

	/**
	 * Passes every PHP error on to PHPUnit, except the deprecations PHP 8.2 raises in the files of
	 * WordPress 6.1 itself (written before PHP 8.2): those are not the plugin's. The plugin's own, and
	 * WordPress's notices of deprecated or misused APIs (E_USER_*), still fail the test.
	 *
	 * @param int    $level   Error level.
	 * @param string $message Message.
	 * @param string $file    File.
	 * @param int    $line    Line.
	 * @return bool Whether the error is handled.
	 */
	public function handle_error( $level, $message, $file = '', $line = 0 ) {
		if ( E_DEPRECATED === $level && 0 === strpos( $file, ABSPATH ) ) {
			return true;
		}
		return null !== $this->phpunit_error_handler && false !== call_user_func( $this->phpunit_error_handler, $level, $message, $file, $line );
	}

	/**
	 * Returns the local presence server (started by the bootstrap).
	 *
	 * @return VIP_Presence_Test_Server
	 */
	protected static function presence_server() {
		if ( null === self::$server ) {
			self::$server = new VIP_Presence_Test_Server( getenv( 'VIP_PRESENCE_TEST_RUN' ) . '/presence-server' );
		}
		return self::$server;
	}

	/**
	 * Configures the plugin through update_option(), as the settings screen saves it.
	 *
	 * @param string $secret Secret ('' for none).
	 * @param string $url    Server URL.
	 */
	protected function configure( $secret = self::SECRET, $url = self::SERVER_URL ) {
		update_option( 'vip_presence_server_url', $url );
		update_option( 'vip_presence_secret', $secret );
		$this->assertSame( $url, get_option( 'vip_presence_server_url' ), 'the server URL is saved' );
		$this->assertSame( $secret, get_option( 'vip_presence_secret' ), 'the secret is saved' );
	}

	/**
	 * Configures the plugin to talk to the local presence server.
	 *
	 * @param string $secret Secret ('' for none).
	 */
	protected function connect_to_presence_server( $secret = self::SECRET ) {
		$this->configure( $secret, self::presence_server()->url() );
	}

	/**
	 * Stores an option by a database write, around its sanitize callback (as an older version of the
	 * plugin or a direct database edit would have left it).
	 *
	 * @param string $name  Option name.
	 * @param mixed  $value Value.
	 */
	protected function store_option( $name, $value ) {
		global $wpdb;
		delete_option( $name );
		$this->assertSame(
			1,
			$wpdb->insert(
				$wpdb->options,
				array(
					'option_name'  => $name,
					'option_value' => maybe_serialize( $value ),
					'autoload'     => 'yes',
				)
			)
		);
		wp_cache_flush();
		$this->assertSame( $value, get_option( $name ) );
	}

	/**
	 * Returns the Settings API messages added so far.
	 *
	 * @return array<int, array{setting: string, code: string, message: string, type: string}>
	 */
	protected function settings_errors() {
		return get_settings_errors();
	}

	/**
	 * Creates a post with wp_insert_post(), published unless told otherwise.
	 *
	 * Post ids are never reused within a run, although each test's posts are rolled back: the posts a
	 * page counts its visitor as viewing are kept for the whole PHP process, as for a whole request
	 * (vip_presence_page_post_ids()).
	 *
	 * @param array<string, mixed> $fields Fields of wp_insert_post().
	 * @return int Post id.
	 */
	protected function create_post( array $fields = array() ) {
		$post_id = wp_insert_post(
			array_merge(
				array(
					'import_id'   => ++self::$last_post_id,
					'post_title'  => 'A post',
					'post_status' => 'publish',
				),
				$fields
			),
			true
		);
		$this->assertSame( self::$last_post_id, $post_id, 'wp_insert_post() made the post' );
		return $post_id;
	}

	/**
	 * Creates a user of a role and makes it the current user.
	 *
	 * @param string $role Role name, e.g. 'administrator', 'editor', 'subscriber'.
	 * @return int User id.
	 */
	protected function log_in_as( $role ) {
		static $count = 0;
		++$count;
		$user_id = wp_insert_user(
			array(
				'user_login' => "$role-$count",
				'user_email' => "$role-$count@" . VIP_Presence_Test_Site::DOMAIN,
				'user_pass'  => wp_generate_password(),
				'role'       => $role,
			)
		);
		$this->assertIsInt( $user_id, 'wp_insert_user() made the user' );
		wp_set_current_user( $user_id );
		return $user_id;
	}

	/**
	 * Runs the main query of a front-end URL, as WordPress does for a request of it.
	 *
	 * @param string $url URL of this site.
	 */
	protected function go_to( $url ) {
		$query = (string) wp_parse_url( $url, PHP_URL_QUERY );
		$_GET  = array();
		parse_str( $query, $_GET );
		$_POST                  = array();
		$_REQUEST               = $_GET;
		$_SERVER['REQUEST_URI'] = (string) wp_parse_url( $url, PHP_URL_PATH ) . ( '' === $query ? '' : '?' . $query );
		unset( $GLOBALS['post'], $GLOBALS['wp_query'], $GLOBALS['wp_the_query'] );
		$GLOBALS['wp_the_query'] = new WP_Query();
		$GLOBALS['wp_query']     = $GLOBALS['wp_the_query'];
		$GLOBALS['wp']           = new WP();
		$GLOBALS['wp']->main( $query );
	}

	/**
	 * Registers the SDK and the widget script as the plugin does once build/ exists (the PHP tests
	 * need no build).
	 */
	protected function register_widget_script() {
		$this->assertTrue( wp_register_script( 'vip-presence-client', plugins_url( 'build/client.js', VIP_PRESENCE_PLUGIN_FILE ), array(), VIP_PRESENCE_VERSION, true ) );
		$this->assertTrue( wp_register_script( 'vip-presence-widget', plugins_url( 'build/widget.js', VIP_PRESENCE_PLUGIN_FILE ), array( 'vip-presence-client' ), VIP_PRESENCE_VERSION, true ) );
	}

	/**
	 * Records a request made through WordPress's HTTP API (the http_api_debug action).
	 *
	 * @param array|WP_Error       $response Response or error.
	 * @param string               $context  'response'.
	 * @param string               $class    Transport class.
	 * @param array<string, mixed> $args     Request arguments.
	 * @param string               $url      URL.
	 */
	public function record_http_request( $response, $context, $class, $args, $url ) {
		$this->http_requests[] = array(
			'url'      => $url,
			'args'     => $args,
			'response' => $response,
		);
	}

	/**
	 * Returns the requests made through WordPress's HTTP API during the test, as WordPress made them.
	 *
	 * @return array<int, array{url: string, args: array<string, mixed>, response: array|WP_Error}>
	 */
	protected function http_requests() {
		return $this->http_requests;
	}

	/**
	 * Captures what a callable prints.
	 *
	 * @param callable $render Renderer.
	 * @return string Output.
	 */
	protected function render( $render ) {
		ob_start();
		call_user_func( $render );
		return (string) ob_get_clean();
	}

	/**
	 * Parses an HTML fragment as a browser would.
	 *
	 * @param string $html HTML.
	 * @return DOMDocument
	 */
	protected function parse_html( $html ) {
		$document = new DOMDocument();
		$this->assertTrue( $document->loadHTML( '<!DOCTYPE html><html><body>' . $html . '</body></html>', LIBXML_NOERROR ) );
		return $document;
	}

	/**
	 * Returns the first element of an HTML fragment.
	 *
	 * @param string $html HTML.
	 * @return DOMElement
	 */
	protected function first_element( $html ) {
		$body = $this->parse_html( $html )->getElementsByTagName( 'body' )->item( 0 );
		foreach ( $body->childNodes as $node ) {
			if ( $node instanceof DOMElement ) {
				return $node;
			}
		}
		$this->fail( 'No element in: ' . $html );
	}

	/**
	 * Counts the elements of a tag in an HTML fragment, as a browser's parser would build them.
	 *
	 * @param string $html HTML.
	 * @param string $tag  Tag name.
	 * @return int
	 */
	protected function count_elements( $html, $tag ) {
		return $this->parse_html( $html )->getElementsByTagName( $tag )->length;
	}
}
