<?php
/**
 * The presence server the plugin talks to in the tests: PHP's built-in web server on a free loopback
 * port (`php -S 127.0.0.1:<port> presence-server-router.php`), so WordPress's HTTP API makes real
 * requests over a real socket. A test queues the answers (answer()) and reads the requests that
 * arrived (requests()); the router keeps both in files of the server's folder.
 *
 * @package vip-presence
 */

/**
 * Starts, scripts and stops the local presence server.
 */
final class VIP_Presence_Test_Server {

	/**
	 * Folder of the server's files: url, answers.json, requests.json.
	 *
	 * @var string
	 */
	private $folder;

	/**
	 * The server process, in the process that started it.
	 *
	 * @var resource|null
	 */
	private $process = null;

	/**
	 * Attaches to the server whose files are in a folder (started by this or another process).
	 *
	 * @param string $folder Folder of the server's files.
	 */
	public function __construct( $folder ) {
		$this->folder = $folder;
	}

	/**
	 * Starts a server on a free loopback port and waits until it listens.
	 *
	 * @param string $folder New folder for the server's files.
	 * @return self
	 */
	public static function start( $folder ) {
		mkdir( $folder );
		$server = new self( $folder );
		$server->reset();
		// A port found free may be taken by someone else before the server binds it: try again then.
		for ( $attempt = 1; null === $server->process; $attempt++ ) {
			$server->launch( self::free_port(), $attempt < 3 );
		}
		return $server;
	}

	/**
	 * Returns the base URL of a loopback port nothing listens on (a presence server that is down).
	 *
	 * @return string
	 */
	public static function unreachable_url() {
		return 'http://127.0.0.1:' . self::free_port();
	}

	/**
	 * Returns the server's base URL, e.g. http://127.0.0.1:41234.
	 *
	 * @return string
	 */
	public function url() {
		return trim( (string) file_get_contents( $this->folder . '/url' ) );
	}

	/**
	 * Forgets the queued answers and the requests that arrived.
	 */
	public function reset() {
		$this->write( 'answers', array() );
		$this->write( 'requests', array() );
	}

	/**
	 * Queues the answer to the next request.
	 *
	 * @param int    $status HTTP status.
	 * @param string $body   Body.
	 */
	public function answer( $status, $body = '' ) {
		$answers   = $this->read( 'answers' );
		$answers[] = array(
			'status' => $status,
			'body'   => $body,
		);
		$this->write( 'answers', $answers );
	}

	/**
	 * Returns the requests that arrived, in order.
	 *
	 * @return array<int, array{method: string, uri: string, headers: array<string, string>, body: string}>
	 *         Header names are lowercase.
	 */
	public function requests() {
		return $this->read( 'requests' );
	}

	/**
	 * Stops the server (in the process that started it).
	 */
	public function stop() {
		if ( null !== $this->process ) {
			proc_terminate( $this->process );
			proc_close( $this->process );
			$this->process = null;
		}
	}

	/**
	 * Starts `php -S` on a port and reads its log until it says it listens (or it exits).
	 *
	 * @param int  $port      Port.
	 * @param bool $may_retry Whether a failure to listen is left to the caller to retry.
	 */
	private function launch( $port, $may_retry ) {
		$command = array( PHP_BINARY, '-q', '-S', '127.0.0.1:' . $port, __DIR__ . '/presence-server-router.php' );
		$process = proc_open(
			$command,
			array(
				0 => array( 'file', '/dev/null', 'r' ),
				1 => array( 'file', '/dev/null', 'w' ),
				2 => array( 'pipe', 'w' ),
			),
			$pipes,
			null,
			array_merge( getenv(), array( 'VIP_PRESENCE_TEST_SERVER' => $this->folder ) )
		);
		// With -q the server logs nothing but its start and errors, so the pipe never fills up.
		$log = '';
		while ( false === strpos( $log, ' started' ) ) {
			$read  = array( $pipes[2] );
			$write = null;
			$error = null;
			$line  = 1 === stream_select( $read, $write, $error, 10 ) ? fgets( $pipes[2] ) : false;
			if ( false === $line ) {
				proc_terminate( $process );
				proc_close( $process );
				if ( $may_retry ) {
					return;
				}
				fwrite( STDERR, 'vip-presence tests: the local presence server did not start: ' . $log . "\n" );
				exit( 1 );
			}
			$log .= $line;
		}
		$this->process = $process;
		file_put_contents( $this->folder . '/url', 'http://127.0.0.1:' . $port );
	}

	/**
	 * Returns a loopback port that is free right now.
	 *
	 * @return int
	 */
	private static function free_port() {
		$socket = stream_socket_server( 'tcp://127.0.0.1:0' );
		$name   = stream_socket_get_name( $socket, false );
		fclose( $socket );
		return (int) substr( (string) strrchr( (string) $name, ':' ), 1 );
	}

	/**
	 * Reads one of the server's files.
	 *
	 * @param string $name answers or requests.
	 * @return array<int, mixed>
	 */
	private function read( $name ) {
		return json_decode( (string) file_get_contents( $this->folder . '/' . $name . '.json' ), true );
	}

	/**
	 * Writes one of the server's files.
	 *
	 * @param string            $name  answers or requests.
	 * @param array<int, mixed> $value Content.
	 */
	private function write( $name, array $value ) {
		file_put_contents( $this->folder . '/' . $name . '.json', json_encode( $value ), LOCK_EX );
	}
}
