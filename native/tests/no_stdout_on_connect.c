#define _GNU_SOURCE
/* native/paho-patches/0001: MQTTAsync_connect with serverURIs and no SSL options writes nothing to
 * standard output. The connect goes to a closed loopback port: no broker is needed, and the check
 * happens inside MQTTAsync_connect itself. Exit status 0 when stdout stayed empty. */
#include <MQTTAsync.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(void)
{
	char captured[] = "/tmp/pahosharp-stdout-XXXXXX";
	int file = mkstemp(captured);
	int saved = dup(STDOUT_FILENO);
	if (file < 0 || saved < 0)
		return 2;
	fflush(stdout);
	dup2(file, STDOUT_FILENO);

	MQTTAsync client = NULL;
	int rc = MQTTAsync_create(&client, "tcp://127.0.0.1:1", "pahosharp-no-stdout", MQTTCLIENT_PERSISTENCE_NONE, NULL);
	char* uris[] = { "tcp://127.0.0.1:1" };
	MQTTAsync_connectOptions options = MQTTAsync_connectOptions_initializer;
	options.serverURIs = uris;
	options.serverURIcount = 1;
	options.connectTimeout = 1;
	int connect_rc = rc == MQTTASYNC_SUCCESS ? MQTTAsync_connect(client, &options) : rc;
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	MQTTAsync_destroy(&client);

	off_t written = lseek(file, 0, SEEK_END);
	char text[256] = { 0 };
	lseek(file, 0, SEEK_SET);
	ssize_t got = read(file, text, sizeof text - 1);
	close(file);
	unlink(captured);
	if (connect_rc != MQTTASYNC_SUCCESS)
	{
		fprintf(stderr, "MQTTAsync_connect returned %d\n", connect_rc);
		return 2;
	}
	if (written != 0)
	{
		fprintf(stderr, "paho wrote %ld bytes to stdout: %.*s\n", (long)written, (int)(got > 0 ? got : 0), text);
		return 1;
	}
	return 0;
}
