/*
 * async_concurrent_cycles: six threads, each 300 cycles of MQTTAsync create + connect + QoS 0 publish +
 * disconnect + destroy, all at once: paho's threads are stopped and started while other clients connect
 * (the race of MQTTAsync_stop with MQTTAsync_connect). Exits 3 if an operation does not complete in
 * 10 s; a crash or a hang is the failure it looks for (docs/engine-speed.md).
 *
 *   async_concurrent_cycles ADDRESS
 */
#include <MQTTAsync.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <time.h>
static const char* addr;

typedef struct { pthread_mutex_t m; pthread_cond_t c; int done; int failed; } waiter;
static void ok(void* ctx, MQTTAsync_successData* d){(void)d; waiter* w=ctx; pthread_mutex_lock(&w->m); w->done++; pthread_cond_signal(&w->c); pthread_mutex_unlock(&w->m);}
static void bad(void* ctx, MQTTAsync_failureData* d){(void)d; waiter* w=ctx; pthread_mutex_lock(&w->m); w->done++; w->failed++; pthread_cond_signal(&w->c); pthread_mutex_unlock(&w->m);}
static int arrived(void*c,char*t,int l,MQTTAsync_message*m){(void)c;(void)l;MQTTAsync_freeMessage(&m);MQTTAsync_free(t);return 1;}
static int waitfor(waiter* w, int n){struct timespec u; clock_gettime(CLOCK_REALTIME,&u); u.tv_sec+=10; pthread_mutex_lock(&w->m); while(w->done<n) if(pthread_cond_timedwait(&w->c,&w->m,&u)==ETIMEDOUT) break; int r=w->done>=n; pthread_mutex_unlock(&w->m); return r;}
static void* run(void* arg){
  long id=(long)arg; char cid[32]; waiter w={PTHREAD_MUTEX_INITIALIZER,PTHREAD_COND_INITIALIZER,0,0}; int n=0;
  for(int i=0;i<300;i++){
    snprintf(cid,sizeof cid,"st-%ld",id);
    MQTTAsync c; MQTTAsync_create(&c,addr,cid,MQTTCLIENT_PERSISTENCE_NONE,NULL); MQTTAsync_setCallbacks(c,NULL,NULL,arrived,NULL);
    MQTTAsync_connectOptions o=MQTTAsync_connectOptions_initializer; o.onSuccess=ok; o.onFailure=bad; o.context=&w;
    MQTTAsync_connect(c,&o); if(!waitfor(&w,++n)){printf("thread %ld cycle %d: connect timed out\n",id,i); exit(3);}
    MQTTAsync_responseOptions r=MQTTAsync_responseOptions_initializer; r.onSuccess=ok; r.onFailure=bad; r.context=&w;
    MQTTAsync_send(c,"st",1,"x",1,0,&r); if(!waitfor(&w,++n)){printf("thread %ld cycle %d: publish timed out\n",id,i); exit(3);}
    MQTTAsync_disconnectOptions d=MQTTAsync_disconnectOptions_initializer; d.onSuccess=ok; d.onFailure=bad; d.context=&w; d.timeout=0;
    MQTTAsync_disconnect(c,&d); if(!waitfor(&w,++n)){printf("thread %ld cycle %d: disconnect timed out\n",id,i); exit(3);}
    MQTTAsync_destroy(&c);
  }
  printf("thread %ld: %d failed\n",id,w.failed); return NULL;
}
int main(int argc,char**argv){ (void)argc; addr=argv[1]; pthread_t t[6]; for(long i=0;i<6;i++) pthread_create(&t[i],NULL,run,(void*)i); for(int i=0;i<6;i++) pthread_join(t[i],NULL); return 0; }
